package io.keyfair.authorize.account;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.authorize.page.Csrf;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.page.Page;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.authorize.user.Users;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The signed-in user's account: the apps connected to it, each of which the user can cut off.
 * Without a session every page sends the browser to the login page, which brings it back.
 */
@Path("/account")
public class AccountPage implements Page {

    private static final Pattern CLIENT_ID = Pattern.compile("[0-9A-Za-z_-]{1,32}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** One app as the page lists it. */
    public record AppLine(String clientId, String name, String logoUri, List<String> scopes, String firstGranted,
            String lastUsed, String state, String revokeAction) {
    }

    /** What the account template shows. */
    public record View(String username, String csrf, List<AppLine> apps, String logout) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance apps(View view);
    }

    private final Sessions sessions;
    private final ConnectedApps connected;
    private final Users users;
    private final RevocationList revocations;
    private final ScopeCatalog catalog;
    private final Csrf csrf;
    private final Links links;
    private final AuditLog audit;

    AccountPage(Sessions sessions, ConnectedApps connected, Users users, RevocationList revocations, ScopeCatalog catalog,
            Csrf csrf, Links links, AuditLog audit) {
        this.sessions = sessions;
        this.connected = connected;
        this.users = users;
        this.revocations = revocations;
        this.catalog = catalog;
        this.csrf = csrf;
        this.links = links;
        this.audit = audit;
    }

    @GET
    public Response home() {
        return Html.redirect(links.accountApps(), Html.AFTER_GET);
    }

    /** Any other account path: the apps page, through the login page when signed out. */
    @GET
    @Path("{rest: .+}")
    public Uni<Response> other(@Context HttpHeaders headers) {
        return sessions.find(headers)
                .map(session -> session.isEmpty() ? toLogin(Html.AFTER_GET) : Html.redirect(links.accountApps(), Html.AFTER_GET));
    }

    /** The connected apps, as a page or (when the client prefers it) as JSON. */
    @GET
    @Path("apps")
    public Uni<Response> apps(@Context HttpHeaders headers) {
        return sessions.find(headers).flatMap(session -> session.isEmpty()
                ? Uni.createFrom().item(toLogin(Html.AFTER_GET))
                : apps(session.get(), headers));
    }

    private Uni<Response> apps(Session session, HttpHeaders headers) {
        if (prefersJson(headers)) {
            return connected.of(session.userId()).map(apps -> Response.ok(apps, MediaType.APPLICATION_JSON_TYPE)
                    .header("Cache-Control", "no-store").build());
        }
        return page(headers, session);
    }

    /**
     * Removes the grant: the consent is marked revoked (the next authorization asks again) and
     * every access and refresh token the client holds for this user stops working at once.
     */
    @POST
    @Path("apps/{clientId}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revoke(@PathParam("clientId") String clientId, MultivaluedMap<String, String> form,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        String token = form.getFirst(Csrf.FIELD);
        return sessions.find(headers).flatMap(session -> {
            if (session.isEmpty()) {
                return Uni.createFrom().item(toLogin(Html.AFTER_POST));
            }
            if (!csrf.accepts(headers, uri, token)) {
                throw PageException.forbidden("This form expired. Go back to your apps and try again.");
            }
            if (!CLIENT_ID.matcher(clientId).matches()) {
                throw new PageException(404, "No such app", "This app is not connected to your account.");
            }
            return disconnect(clientId, session.get().userId());
        });
    }

    /** The consent, the refresh families and the access tokens go in one statement. */
    private Uni<Response> disconnect(String clientId, String userId) {
        return revocations.removeConnection(clientId, userId, Initiator.USER)
                .call(removed -> removed
                        ? audit.record("consent.revoked", clientId, userId, userId, Map.of("by", "user"))
                        : Uni.createFrom().voidItem())
                .map(removed -> Html.redirect(links.accountApps(), Html.AFTER_POST));
    }

    private Uni<Response> page(HttpHeaders headers, Session session) {
        Csrf.Token token = csrf.token(headers);
        return Uni.combine().all()
                .unis(connected.of(session.userId()), catalog.all(), users.username(UUID.fromString(session.userId())))
                .asTuple()
                .flatMap(t -> {
                    Map<String, Scope> scopes = t.getItem2();
                    List<AppLine> lines = new ArrayList<>();
                    for (ConnectedApp app : t.getItem1()) {
                        List<String> described = app.scopes().stream()
                                .map(s -> scopes.containsKey(s) ? scopes.get(s).description() : s).toList();
                        lines.add(new AppLine(app.clientId(), app.clientName(), Links.httpsOnly(app.logoUri()), described,
                                DAY.format(Instant.ofEpochSecond(app.firstGrantedAt())),
                                app.lastUsedAt() == null ? "never" : DAY.format(Instant.ofEpochSecond(app.lastUsedAt())),
                                app.state().replace('_', ' '),
                                links.path("/account/apps/" + app.clientId() + "/revoke")));
                    }
                    String username = t.getItem3().orElse("");
                    return Templates.apps(new View(username, token.value(), lines, links.path("/logout"))).createUni();
                })
                .map(html -> Html.page(200, html, token.setCookie()));
    }

    private Response toLogin(int status) {
        return Html.redirect(links.loginThenReturn("/account/apps"), status);
    }

    /** Whether the Accept header puts JSON before HTML. */
    static boolean prefersJson(HttpHeaders headers) {
        List<MediaType> accepted = headers.getAcceptableMediaTypes();
        for (MediaType m : accepted) {
            if (m.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !m.isWildcardType()) {
                return true;
            }
            if (m.isCompatible(MediaType.TEXT_HTML_TYPE) || m.isWildcardType()) {
                return false;
            }
        }
        return false;
    }
}
