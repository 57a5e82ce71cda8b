package io.keyfair.authorize.login;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

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
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The login page. Reached with `req` (an authorization request waiting in
 * {@link PendingRequests}) it continues that request once the user is signed in; reached with
 * `return` (an account page) or nothing, it goes to that page or to `/account/apps`.
 */
@Path("/login")
public class LoginPage {

    /** One message for every failed login: it never says whether the account exists. */
    static final String FAILED = "Incorrect username or password.";
    static final String EXPIRED_FORM = "Your sign-in form expired. Please try again.";
    static final int MAX_USERNAME = 128;
    static final int MAX_PASSWORD = 1024;
    /** Only our own account pages may be returned to: never another site (open redirect). */
    private static final Pattern RETURN = Pattern.compile("/account(/[A-Za-z0-9_-]+)*");

    /** What the login template shows. */
    public record View(String action, String requestId, String returnTo, String csrf, String username, String error,
            String clientName) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(View view);
    }

    private final PendingRequests pending;
    private final ClientDirectory clients;
    private final Credentials credentials;
    private final LoginThrottle throttle;
    private final Sessions sessions;
    private final AuthorizationFlow flow;
    private final Csrf csrf;
    private final Links links;
    private final ErrorPage errorPage;
    private final AuditLog audit;

    LoginPage(PendingRequests pending, ClientDirectory clients, Credentials credentials, LoginThrottle throttle,
            Sessions sessions, AuthorizationFlow flow, Csrf csrf, Links links, ErrorPage errorPage, AuditLog audit) {
        this.pending = pending;
        this.clients = clients;
        this.credentials = credentials;
        this.throttle = throttle;
        this.sessions = sessions;
        this.flow = flow;
        this.csrf = csrf;
        this.links = links;
        this.errorPage = errorPage;
        this.audit = audit;
    }

    @GET
    public Uni<Response> show(@QueryParam("req") String requestId, @QueryParam("return") String returnTo,
            @Context HttpHeaders headers) {
        return Uni.createFrom().deferred(() -> waiting(requestId).flatMap(p -> {
            String hint = p.map(x -> x.request().loginHint()).orElse(null);
            return render(200, headers, p, returnPath(returnTo), hint, null);
        })).onFailure().recoverWithUni(errorPage::from);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> submit(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam(Csrf.FIELD) String token, @FormParam("req") String requestId, @FormParam("return") String returnTo,
            @Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest http) {
        String returnPath = returnPath(returnTo);
        return Uni.createFrom().deferred(() -> waiting(requestId).flatMap(p -> {
            if (!csrf.accepts(headers, uri, token)) {
                audit.recordFailure("login.csrf_failed", p.map(x -> x.client().clientId()).orElse(null), null, Map.of());
                return render(403, headers, p, returnPath, username, EXPIRED_FORM);
            }
            if (username == null || username.isBlank() || password == null || password.isEmpty()
                    || username.length() > MAX_USERNAME || password.length() > MAX_PASSWORD) {
                return render(401, headers, p, returnPath, username, FAILED);
            }
            String address = clientAddress(http);
            // counted before the (slow) password check: parallel attempts cannot get past the limit
            return throttle.admit(username, address).flatMap(refused -> {
                if (refused.isPresent()) {
                    audit.recordFailure("login.throttled", p.map(x -> x.client().clientId()).orElse(null), null, Map.of());
                    return tooMany(headers, p, returnPath, username, refused.get());
                }
                return credentials.verify(username, password).flatMap(user -> user.isPresent()
                        ? signedIn(user.get(), username, address, headers, p, returnPath)
                        : failed(headers, p, returnPath, username));
            });
        })).onFailure().recoverWithUni(errorPage::from);
    }

    private Uni<Response> signedIn(String userId, String username, String address, HttpHeaders headers, Optional<Pending> p,
            String returnPath) {
        // a new session id at every login: an id planted before the login is worth nothing (session fixation)
        return throttle.succeeded(username, address)
                .flatMap(v -> sessions.end(headers))
                .flatMap(v -> sessions.start(userId))
                .flatMap(session -> next(session, p, returnPath)
                        .map(r -> Response.fromResponse(r).header("Set-Cookie", sessions.cookie(session)).build()));
    }

    private Uni<Response> next(Session session, Optional<Pending> p, String returnPath) {
        if (p.isEmpty()) {
            return Uni.createFrom().item(Html.redirect(links.absolute(returnPath), AuthorizationFlow.AFTER_POST));
        }
        return flow.proceed(p.get(), Optional.of(session), true, AuthorizationFlow.AFTER_POST);
    }

    /** The attempt stays counted as a failure by the throttle. */
    private Uni<Response> failed(HttpHeaders headers, Optional<Pending> p, String returnPath, String username) {
        audit.recordFailure("login.failed", p.map(x -> x.client().clientId()).orElse(null), null, Map.of());
        return render(401, headers, p, returnPath, username, FAILED);
    }

    private Uni<Response> tooMany(HttpHeaders headers, Optional<Pending> p, String returnPath, String username, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        long minutes = (seconds + 59) / 60;
        String message = "Too many failed sign-in attempts. Try again in "
                + (seconds < 60 ? seconds + (seconds == 1 ? " second." : " seconds.")
                        : minutes + (minutes == 1 ? " minute." : " minutes."));
        return render(429, headers, p, returnPath, username, message)
                .map(r -> Response.fromResponse(r).header("Retry-After", Long.toString(seconds)).build());
    }

    /** The authorization request the login continues (none for a plain login). */
    private Uni<Optional<Pending>> waiting(String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pending.find(requestId).flatMap(found -> {
            AuthorizationRequest request = found.orElseThrow(PageException::requestExpired);
            return clients.find(request.clientId()).map(client -> {
                // the app may have been suspended while the user was typing
                ClientRecord c = client.filter(ClientRecord::isApproved).orElseThrow(() -> PageException.badRequest(
                        "The app that sent you here is no longer allowed to sign people in."));
                return Optional.of(new Pending(requestId, request, c));
            });
        });
    }

    private Uni<Response> render(int status, HttpHeaders headers, Optional<Pending> p, String returnPath, String username,
            String error) {
        Csrf.Token token = csrf.token(headers);
        String shownName = username != null && username.length() <= MAX_USERNAME ? username : null;
        View view = new View(links.path("/login"), p.map(Pending::id).orElse(null), p.isPresent() ? null : returnPath,
                token.value(), shownName, error, p.map(x -> x.client().name()).orElse(null));
        return Templates.login(view).createUni().map(html -> Html.page(status, html, token.setCookie()));
    }

    private static String returnPath(String returnTo) {
        return returnTo != null && returnTo.length() <= 200 && RETURN.matcher(returnTo).matches() ? returnTo : "/account/apps";
    }

    private static String clientAddress(HttpServerRequest http) {
        // behind the ingress this is the forwarded client address (quarkus.http.proxy.*)
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }
}
