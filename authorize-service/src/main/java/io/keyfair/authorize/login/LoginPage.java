package io.keyfair.authorize.login;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
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
import io.keyfair.authorize.authorization.AuthorizationMetrics;
import io.keyfair.authorize.authorization.AuthorizationMetrics.Outcome;
import io.keyfair.authorize.authorization.AuthorizationResponses;
import io.keyfair.authorize.authorization.PendingRequests;
import io.keyfair.authorize.page.Csrf;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.page.Page;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.audit.AuditLog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The login page. Reached with `req` (an authorization request waiting in
 * {@link PendingRequests}) it shows the app's name and logo and continues that request once the
 * user is signed in, or, through its "Cancel" link (`cancel`, the same request id), ends it with
 * `access_denied` for the app; reached with `return` (an account page) or nothing, it goes to
 * that page or to `/account/apps`.
 */
@Path("/login")
public class LoginPage implements Page {

    /** One message for every failed login: it never says whether the account exists. */
    static final String FAILED = "Incorrect username or password.";
    static final String EXPIRED_FORM = "Your sign-in form expired. Please try again.";
    static final int MAX_USERNAME = 128;
    static final int MAX_PASSWORD = 1024;
    /** Only our own account pages may be returned to: never another site (open redirect). */
    private static final Pattern RETURN = Pattern.compile("/account(/[A-Za-z0-9_-]+)*");

    /** What the login template shows. */
    public record View(String action, String requestId, String returnTo, String csrf, String username, String error,
            String clientName, String logoUri, String cancel) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(View view);
    }

    /**
     * What a login form is about and shows again: the request it continues (if any), where a
     * plain login goes, the name typed.
     */
    private record Form(Optional<Pending> pending, String returnPath, String username) {
        String clientId() {
            return pending.map(p -> p.client().clientId()).orElse(null);
        }
    }

    private final Credentials credentials;
    private final LoginThrottle throttle;
    private final Sessions sessions;
    private final AuthorizationFlow flow;
    private final AuthorizationResponses responses;
    private final Csrf csrf;
    private final Links links;
    private final AuditLog audit;
    @Inject
    AuthorizationMetrics metrics;

    LoginPage(Credentials credentials, LoginThrottle throttle, Sessions sessions, AuthorizationFlow flow,
            AuthorizationResponses responses, Csrf csrf, Links links, AuditLog audit) {
        this.credentials = credentials;
        this.throttle = throttle;
        this.sessions = sessions;
        this.flow = flow;
        this.responses = responses;
        this.csrf = csrf;
        this.links = links;
        this.audit = audit;
    }

    @GET
    public Uni<Response> show(@QueryParam("req") String requestId, @QueryParam("return") String returnTo,
            @QueryParam("cancel") String cancel, @Context HttpHeaders headers) {
        if (cancel != null) {
            return cancel(cancel);
        }
        return waiting(requestId)
                .map(p -> new Form(p, returnPath(returnTo), p.map(x -> x.request().loginHint()).orElse(null)))
                .flatMap(form -> render(200, headers, form, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> submit(MultivaluedMap<String, String> form, @Context HttpHeaders headers, @Context UriInfo uri,
            @Context HttpServerRequest http) {
        String username = form.getFirst("username");
        String password = form.getFirst("password");
        String token = form.getFirst(Csrf.FIELD);
        return waiting(form.getFirst("req"))
                .map(p -> new Form(p, returnPath(form.getFirst("return")), username))
                .flatMap(f -> attempt(f, password, token, headers, uri, clientAddress(http)));
    }

    /**
     * The user gave up before signing in: the request ends as a refusal on the consent page
     * does (RFC 6749 §4.1.2.1 access_denied, with `state` and `iss`). A link, not a form: it needs
     * no session, and without the request's unguessable id it ends nothing.
     */
    private Uni<Response> cancel(String requestId) {
        return flow.waiting(requestId)
                .flatMap(flow::cancel)
                .flatMap(outcome -> responses.of(outcome, Html.AFTER_GET));
    }

    private Uni<Response> attempt(Form form, String password, String token, HttpHeaders headers, UriInfo uri, String address) {
        if (!csrf.accepts(headers, uri, token)) {
            audit.recordFailure("login.csrf_failed", form.clientId(), null, Map.of());
            return render(403, headers, form, EXPIRED_FORM);
        }
        String username = form.username();
        if (username == null || username.isBlank() || password == null || password.isEmpty()
                || username.length() > MAX_USERNAME || password.length() > MAX_PASSWORD) {
            metrics.count(Outcome.LOGIN_FAILED);
            return render(401, headers, form, FAILED);
        }
        // counted before the (slow) password check: parallel attempts cannot get past the limit
        return throttle.admit(username, address)
                .flatMap(refused -> refused.isPresent()
                        ? throttled(headers, form, refused.get())
                        : verify(form, password, headers, address));
    }

    private Uni<Response> verify(Form form, String password, HttpHeaders headers, String address) {
        return credentials.verify(form.username(), password)
                .flatMap(user -> user.isPresent()
                        ? signedIn(user.get(), form, headers, address)
                        : failed(headers, form));
    }

    private Uni<Response> signedIn(String userId, Form form, HttpHeaders headers, String address) {
        // a new session id at every login: an id planted before the login is worth nothing (session fixation)
        return throttle.succeeded(form.username(), address)
                .flatMap(v -> sessions.end(headers))
                .flatMap(v -> sessions.start(userId))
                .flatMap(session -> next(session, form));
    }

    /** The request the login continues, or the page it returns to; the session cookie goes along. */
    private Uni<Response> next(Session session, Form form) {
        String cookie = sessions.cookie(session);
        if (form.pending().isEmpty()) {
            return Uni.createFrom().item(Html.redirect(links.absolute(form.returnPath()), Html.AFTER_POST, cookie));
        }
        return flow.proceed(form.pending().get(), Optional.of(session), true)
                .flatMap(outcome -> responses.of(outcome, Html.AFTER_POST, cookie));
    }

    /** The attempt stays counted as a failure by the throttle. */
    private Uni<Response> failed(HttpHeaders headers, Form form) {
        audit.recordFailure("login.failed", form.clientId(), null, Map.of());
        metrics.count(Outcome.LOGIN_FAILED);
        return render(401, headers, form, FAILED);
    }

    private Uni<Response> throttled(HttpHeaders headers, Form form, Duration wait) {
        audit.recordFailure("login.throttled", form.clientId(), null, Map.of());
        metrics.count(Outcome.THROTTLED);
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        long minutes = (seconds + 59) / 60;
        String message = "Too many failed sign-in attempts. Try again in "
                + (seconds < 60 ? seconds + (seconds == 1 ? " second." : " seconds.")
                        : minutes + (minutes == 1 ? " minute." : " minutes."));
        return render(429, headers, form, message)
                .map(r -> Response.fromResponse(r).header("Retry-After", Long.toString(seconds)).build());
    }

    /** The authorization request the login continues (none for a plain login). */
    private Uni<Optional<Pending>> waiting(String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return flow.waiting(requestId).map(Optional::of);
    }

    private Uni<Response> render(int status, HttpHeaders headers, Form form, String error) {
        Csrf.Token token = csrf.token(headers);
        Optional<Pending> p = form.pending();
        String shownName = form.username() != null && form.username().length() <= MAX_USERNAME ? form.username() : null;
        View view = new View(links.path("/login"), p.map(Pending::id).orElse(null), p.isPresent() ? null : form.returnPath(),
                token.value(), shownName, error, p.map(x -> x.client().name()).orElse(null),
                p.map(x -> Links.httpsOnly(x.client().logoUri())).orElse(null),
                p.map(x -> links.path("/login?cancel=" + Links.encode(x.id()))).orElse(null));
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
