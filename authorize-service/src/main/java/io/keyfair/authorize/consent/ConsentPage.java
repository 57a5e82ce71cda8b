package io.keyfair.authorize.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.authorize.authorization.AuthorizationFlow;
import io.keyfair.authorize.authorization.AuthorizationFlow.Pending;
import io.keyfair.authorize.authorization.AuthorizationResponses;
import io.keyfair.authorize.authorization.Consents;
import io.keyfair.authorize.authorization.PendingRequests;
import io.keyfair.authorize.page.Csrf;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.page.Page;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.authorize.user.Users;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The consent page: who is asking (name, logo, terms, privacy policy, the reason it gave), for
 * what (each scope's description; scopes the user granted before are listed apart), one form to
 * approve or deny, and who is signed in, with a "Not you?" form that signs this browser out and
 * shows the login page of the same request.
 */
@Path("/consent")
public class ConsentPage implements Page {

    static final String APPROVE = "approve";
    static final String DENY = "deny";
    /** The "Not you?" form's button; only our own page sends it. */
    static final String SWITCH_ACCOUNT = "switch_account";

    /** One scope as the page lists it. */
    public record ScopeLine(String name, String description) {
    }

    /** What the consent template shows. */
    public record View(String action, String requestId, String csrf, String clientName, String logoUri, String tosUri,
            String policyUri, String reason, List<ScopeLine> asked, List<ScopeLine> granted, String error, String username) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance consent(View view);
    }

    private final PendingRequests pending;
    private final Sessions sessions;
    private final Consents consents;
    private final ScopeCatalog catalog;
    private final AuthorizationFlow flow;
    private final AuthorizationResponses responses;
    private final Users users;
    private final Csrf csrf;
    private final Links links;
    private final AuditLog audit;

    ConsentPage(PendingRequests pending, Sessions sessions, Consents consents, ScopeCatalog catalog, AuthorizationFlow flow,
            AuthorizationResponses responses, Users users, Csrf csrf, Links links, AuditLog audit) {
        this.pending = pending;
        this.sessions = sessions;
        this.consents = consents;
        this.catalog = catalog;
        this.flow = flow;
        this.responses = responses;
        this.users = users;
        this.csrf = csrf;
        this.links = links;
        this.audit = audit;
    }

    @GET
    public Uni<Response> show(@QueryParam("req") String requestId, @Context HttpHeaders headers) {
        return flow.waiting(requestId).flatMap(p -> show(p, headers));
    }

    private Uni<Response> show(Pending p, HttpHeaders headers) {
        return sessions.find(headers).flatMap(session -> session.isEmpty()
                ? Uni.createFrom().item(Html.redirect(links.login(p.id()), Html.AFTER_GET))
                : render(200, headers, p, session.get(), null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> decide(MultivaluedMap<String, String> form, @Context HttpHeaders headers, @Context UriInfo uri) {
        String decision = form.getFirst("decision");
        String token = form.getFirst(Csrf.FIELD);
        if (form.getFirst(SWITCH_ACCOUNT) != null) {
            return flow.waiting(form.getFirst("req")).flatMap(p -> switchAccount(p, token, headers, uri));
        }
        return flow.waiting(form.getFirst("req")).flatMap(p -> decide(p, decision, token, headers, uri));
    }

    /**
     * "Not you?": the session ends and the same request starts again at the login page, so that
     * someone else can sign in for it. CSRF-protected like every form here: otherwise any site
     * could sign the user out.
     */
    private Uni<Response> switchAccount(Pending p, String token, HttpHeaders headers, UriInfo uri) {
        return sessions.find(headers).flatMap(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(Html.redirect(links.login(p.id()), Html.AFTER_POST));
            }
            if (!csrf.accepts(headers, uri, token)) {
                return render(403, headers, p, session.get(), "This form expired. Please choose again.");
            }
            String userId = session.get().userId();
            return sessions.end(headers)
                    .call(() -> audit.record("logout", p.client().clientId(), userId, userId, Map.of("reason", "switch_account")))
                    .map(v -> Html.redirect(links.login(p.id()), Html.AFTER_POST, sessions.clearCookie()));
        });
    }

    private Uni<Response> decide(Pending p, String decision, String token, HttpHeaders headers, UriInfo uri) {
        return sessions.find(headers).flatMap(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(Html.redirect(links.login(p.id()), Html.AFTER_POST));
            }
            if (!csrf.accepts(headers, uri, token)) {
                return render(403, headers, p, session.get(), "This form expired. Please choose again.");
            }
            if (!APPROVE.equals(decision) && !DENY.equals(decision)) {
                throw PageException.badRequest("Please choose Allow or Deny.");
            }
            return decided(p, session.get(), APPROVE.equals(decision));
        });
    }

    /** The request is taken out of Redis first: a second post of the same form finds nothing. */
    private Uni<Response> decided(Pending p, Session session, boolean approved) {
        return pending.take(p.id())
                .map(taken -> taken.orElseThrow(PageException::requestExpired))
                .flatMap(request -> approved ? flow.approve(p, session) : flow.deny(p, session))
                .flatMap(outcome -> responses.of(outcome, Html.AFTER_POST));
    }

    private Uni<Response> render(int status, HttpHeaders headers, Pending p, Session session, String error) {
        Csrf.Token token = csrf.token(headers);
        ClientRecord client = p.client();
        return Uni.combine().all()
                .unis(catalog.all(), consents.find(session.userId(), client.clientId()),
                        users.username(UUID.fromString(session.userId())))
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
                    View view = new View(links.path("/consent"), p.id(), token.value(), client.name(), Links.httpsOnly(client.logoUri()),
                            Links.webOnly(client.tosUri()), Links.webOnly(client.policyUri()), reason(client), asked, granted, error,
                            t.getItem3().orElse(""));
                    return Templates.consent(view).createUni();
                })
                .map(html -> Html.page(status, html, token.setCookie()));
    }

    /** Why the app wants access, as it said when it registered. */
    private static String reason(ClientRecord client) {
        return client.reason() == null || client.reason().isBlank() ? null : client.reason();
    }
}
