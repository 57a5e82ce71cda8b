package io.keyfair.authorize.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.authorize.authorization.AuthorizationFlow;
import io.keyfair.authorize.authorization.AuthorizationFlow.Pending;
import io.keyfair.authorize.authorization.AuthorizationRequest;
import io.keyfair.authorize.authorization.PendingRequests;
import io.keyfair.authorize.page.Csrf;
import io.keyfair.authorize.page.ErrorPage;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The consent page: who is asking (name, logo, terms, privacy policy, the reason it gave), for
 * what (each scope's description; scopes the user granted before are listed apart), and one
 * form to approve or deny.
 */
@Path("/consent")
public class ConsentPage {

    static final String APPROVE = "approve";
    static final String DENY = "deny";

    /** One scope as the page lists it. */
    public record ScopeLine(String name, String description) {
    }

    /** What the consent template shows. */
    public record View(String action, String requestId, String csrf, String clientName, String logoUri, String tosUri,
            String policyUri, String reason, List<ScopeLine> asked, List<ScopeLine> granted, String error) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance consent(View view);
    }

    private final PendingRequests pending;
    private final ClientDirectory clients;
    private final Sessions sessions;
    private final Consents consents;
    private final ScopeCatalog catalog;
    private final AuthorizationFlow flow;
    private final Csrf csrf;
    private final Links links;
    private final ErrorPage errorPage;
    private final Pool pool;

    ConsentPage(PendingRequests pending, ClientDirectory clients, Sessions sessions, Consents consents, ScopeCatalog catalog,
            AuthorizationFlow flow, Csrf csrf, Links links, ErrorPage errorPage, Pool pool) {
        this.pending = pending;
        this.clients = clients;
        this.sessions = sessions;
        this.consents = consents;
        this.catalog = catalog;
        this.flow = flow;
        this.csrf = csrf;
        this.links = links;
        this.errorPage = errorPage;
        this.pool = pool;
    }

    @GET
    public Uni<Response> show(@QueryParam("req") String requestId, @Context HttpHeaders headers) {
        return Uni.createFrom().deferred(() -> waiting(requestId).flatMap(p -> sessions.find(headers).flatMap(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(Html.redirect(links.login(requestId), AuthorizationFlow.AFTER_GET));
            }
            return render(200, headers, p, session.get(), null);
        }))).onFailure().recoverWithUni(errorPage::from);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> decide(@FormParam("decision") String decision, @FormParam("req") String requestId,
            @FormParam(Csrf.FIELD) String token, @Context HttpHeaders headers, @Context UriInfo uri) {
        return Uni.createFrom().deferred(() -> waiting(requestId).flatMap(p -> sessions.find(headers).flatMap(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(Html.redirect(links.login(requestId), AuthorizationFlow.AFTER_POST));
            }
            if (!csrf.accepts(headers, uri, token)) {
                return render(403, headers, p, session.get(), "This form expired. Please choose again.");
            }
            if (!APPROVE.equals(decision) && !DENY.equals(decision)) {
                throw PageException.badRequest("Please choose Allow or Deny.");
            }
            // taken out of Redis: a second post of the same form finds nothing
            return pending.take(requestId).flatMap(taken -> {
                if (taken.isEmpty()) {
                    throw PageException.requestExpired();
                }
                return APPROVE.equals(decision)
                        ? flow.approve(p, session.get(), AuthorizationFlow.AFTER_POST)
                        : flow.deny(p, session.get(), AuthorizationFlow.AFTER_POST);
            });
        }))).onFailure().recoverWithUni(errorPage::from);
    }

    private Uni<Pending> waiting(String requestId) {
        return pending.find(requestId).flatMap(found -> {
            AuthorizationRequest request = found.orElseThrow(PageException::requestExpired);
            return clients.find(request.clientId()).map(client -> new Pending(requestId, request,
                    client.filter(ClientRecord::isApproved).orElseThrow(() -> PageException.badRequest(
                            "The app that sent you here is no longer allowed to sign people in."))));
        });
    }

    private Uni<Response> render(int status, HttpHeaders headers, Pending p, Session session, String error) {
        Csrf.Token token = csrf.token(headers);
        ClientRecord client = p.client();
        return Uni.combine().all()
                .unis(catalog.all(), consents.find(session.userId(), client.clientId()), reason(client.clientId()))
                .asTuple()
                .flatMap(t -> {
                    Map<String, Scope> scopes = t.getItem1();
                    Set<String> before = t.getItem2().map(Consents.Grant::scopes).orElse(Set.of());
                    List<ScopeLine> asked = new ArrayList<>();
                    List<ScopeLine> granted = new ArrayList<>();
                    for (String s : p.request().scopes()) {
                        Scope known = scopes.get(s);
                        ScopeLine line = new ScopeLine(s, known == null ? s : known.description());
                        (before.contains(s) ? granted : asked).add(line);
                    }
                    View view = new View(links.path("/consent"), p.id(), token.value(), client.name(), Links.webOnly(client.logoUri()),
                            Links.webOnly(client.tosUri()), Links.webOnly(client.policyUri()), t.getItem3().orElse(null), asked, granted, error);
                    return Templates.consent(view).createUni();
                })
                .map(html -> Html.page(status, html, token.setCookie()));
    }

    /** Why the app wants access, as it said when it registered. */
    private Uni<Optional<String>> reason(String clientId) {
        return pool.preparedQuery("select reason from clients where client_id = $1").execute(Tuple.of(clientId)).map(rows -> {
            for (Row r : rows) {
                String reason = r.getString("reason");
                return Optional.ofNullable(reason == null || reason.isBlank() ? null : reason);
            }
            return Optional.<String>empty();
        });
    }
}
