package io.keyfair.authorize.logout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.authorize.authorization.AuthorizationParameters;
import io.keyfair.authorize.page.Csrf;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.page.Page;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * `/logout`, OpenID Connect RP-Initiated Logout 1.0 (the discovery's `end_session_endpoint`), in
 * fixed stages: the browser's session; the `id_token_hint`, which ends the session at once when it
 * is an ID token of this very user ({@link IdTokenHints}); otherwise a confirmation page whose
 * CSRF-protected form ends it, so that no other site can sign a user out. Afterwards the user goes
 * back to the app only to one of its registered `post_logout_redirect_uris` (§3), else sees a
 * signed-out page: `/logout` is never an open redirect.
 */
@Path("/logout")
public class LogoutPage implements Page {

    /** The confirmation form's button; only our own page sends it. */
    static final String CONFIRM = "confirm";
    static final String EXPIRED_FORM = "Your sign-out form expired. Go back to the app and sign out again.";
    private static final Pattern CLIENT_ID = Pattern.compile("[0-9A-Za-z_-]{1,32}");

    /** What the signed-out template shows. */
    public record View(String login) {
    }

    /** What the confirmation template shows; the app's parameters travel as hidden inputs. */
    public record Confirmation(String action, String csrf, String clientId, String clientName, String postLogoutRedirectUri,
            String state, String stay) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance logout(View view);

        static native TemplateInstance confirm(Confirmation view);
    }

    private final Sessions sessions;
    private final IdTokenHints hints;
    private final ClientDirectory clients;
    private final Csrf csrf;
    private final Links links;
    private final AuditLog audit;

    LogoutPage(Sessions sessions, IdTokenHints hints, ClientDirectory clients, Csrf csrf, Links links, AuditLog audit) {
        this.sessions = sessions;
        this.hints = hints;
        this.clients = clients;
        this.csrf = csrf;
        this.links = links;
        this.audit = audit;
    }

    @GET
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        return request(new AuthorizationParameters(List.of(uri.getQueryParameters())), headers, Html.AFTER_GET);
    }

    /** §2: the app may POST its request too; our confirmation form posts here with {@link #CONFIRM}. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> post(MultivaluedMap<String, String> form, @Context UriInfo uri, @Context HttpHeaders headers) {
        AuthorizationParameters p = new AuthorizationParameters(List.of(uri.getQueryParameters(), form));
        if (p.get(CONFIRM) != null) {
            return confirmed(p, headers, uri);
        }
        return request(p, headers, Html.AFTER_POST);
    }

    /** A logout request from an app (or a link). */
    private Uni<Response> request(AuthorizationParameters p, HttpHeaders headers, int redirectStatus) {
        String clientId = clientIdParameter(p);
        return sessions.find(headers).flatMap(session -> session.isEmpty()
                // nothing to end: no confirmation needed, only the app's own client_id names where to go
                ? signedOut(p, clientId, redirectStatus)
                : hinted(p, clientId, session.get(), headers, redirectStatus));
    }

    /** Ends the session at once only with a good hint; else the user confirms first. */
    private Uni<Response> hinted(AuthorizationParameters p, String clientId, Session session, HttpHeaders headers,
            int redirectStatus) {
        return hints.verify(p.get("id_token_hint"), session, clientId).flatMap(hint -> {
            if (hint.isEmpty()) {
                // no hint, or not one of this user's ID tokens: another site may have sent the browser here
                return confirmation(p, clientId, headers);
            }
            String issuedTo = clientId != null ? clientId : hint.get().clientId();
            return endSession(session, headers, issuedTo).flatMap(v -> signedOut(p, issuedTo, redirectStatus));
        });
    }

    /** The user pressed "Sign out" on the confirmation page. */
    private Uni<Response> confirmed(AuthorizationParameters p, HttpHeaders headers, UriInfo uri) {
        if (!csrf.accepts(headers, uri, p.get(Csrf.FIELD))) {
            audit.recordFailure("logout.csrf_failed", null, null, Map.of());
            throw PageException.forbidden(EXPIRED_FORM);
        }
        String clientId = clientIdParameter(p);
        return sessions.find(headers)
                .flatMap(session -> session.isEmpty() ? Uni.createFrom().voidItem() : endSession(session.get(), headers, clientId))
                .flatMap(v -> signedOut(p, clientId, Html.AFTER_POST));
    }

    private Uni<Void> endSession(Session session, HttpHeaders headers, String clientId) {
        return sessions.end(headers).call(() -> audit.record("logout", clientId, session.userId(), session.userId(), Map.of()));
    }

    private Uni<Response> confirmation(AuthorizationParameters p, String clientId, HttpHeaders headers) {
        return registeredTarget(p, clientId).flatMap(target -> {
            Csrf.Token token = csrf.token(headers);
            // only a target we would follow is carried on: the form cannot be made into a redirector
            Confirmation view = new Confirmation(links.path("/logout"), token.value(),
                    target.map(t -> t.client().clientId()).orElse(null), target.map(t -> t.client().name()).orElse(null),
                    target.map(Target::uri).orElse(null), target.isPresent() ? p.get("state") : null,
                    links.path("/account/apps"));
            return Templates.confirm(view).createUni().map(html -> Html.page(200, html, token.setCookie()));
        });
    }

    /** §3: back to the app with its `state`, when the URI is registered; else our signed-out page. */
    private Uni<Response> signedOut(AuthorizationParameters p, String clientId, int redirectStatus) {
        return registeredTarget(p, clientId).flatMap(target -> {
            if (target.isPresent()) {
                String state = p.get("state");
                String uri = target.get().uri();
                String location = state == null ? uri : uri + (uri.indexOf('?') < 0 ? "?" : "&") + "state=" + Links.encode(state);
                return Uni.createFrom().item(Html.redirect(location, redirectStatus, sessions.clearCookie()));
            }
            return Templates.logout(new View(links.path("/account/apps"))).createUni()
                    .map(html -> Html.page(200, html, sessions.clearCookie()));
        });
    }

    private record Target(ClientRecord client, String uri) {
    }

    /** The `post_logout_redirect_uri`, only when it is exactly one the named, approved client registered. */
    private Uni<Optional<Target>> registeredTarget(AuthorizationParameters p, String clientId) {
        String uri = p.get("post_logout_redirect_uri");
        if (uri == null || clientId == null || p.anyRepeated() != null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return clients.find(clientId).map(found -> found.filter(ClientRecord::isApproved)
                .filter(c -> c.postLogoutRedirectUris().contains(uri))
                .map(c -> new Target(c, uri)));
    }

    private static String clientIdParameter(AuthorizationParameters p) {
        return validClientId(p.get("client_id"));
    }

    /** Only something shaped like a client id is looked up or audited. */
    private static String validClientId(String clientId) {
        return clientId != null && CLIENT_ID.matcher(clientId).matches() ? clientId : null;
    }
}
