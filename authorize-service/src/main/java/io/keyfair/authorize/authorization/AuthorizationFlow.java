package io.keyfair.authorize.authorization;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import io.keyfair.authorize.consent.Consents;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.session.Session;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * What happens to a valid authorization request, wherever it stands (just validated, after the
 * login page, after the consent page): sign in, owner check for dedicated apps, consent, code.
 * Each step either moves on, sends the browser to a page, or ends with a redirect to the client.
 */
@ApplicationScoped
public class AuthorizationFlow {

    /** Redirect statuses: 302 answers the authorize endpoint, 303 a form post (RFC 9700 §4.12). */
    public static final int AFTER_GET = 302;
    public static final int AFTER_POST = 303;

    static final String DEDICATED = "dedicated";

    /**
     * A request on its way.
     *
     * @param id its id in {@link PendingRequests}, or null while it is not kept there
     */
    public record Pending(String id, AuthorizationRequest request, ClientRecord client) {
    }

    /** What the continuation page of a framed authorization shows. */
    public record Continuation(String url) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance framed(Continuation view);
    }

    private final PendingRequests pending;
    private final FramedContinuations continuations;
    private final Consents consents;
    private final AuthorizationCodes codes;
    private final AuthorizationResponses responses;
    private final Links links;
    private final OAuthConfig oauth;
    private final AuditLog audit;

    AuthorizationFlow(PendingRequests pending, FramedContinuations continuations, Consents consents, AuthorizationCodes codes,
            AuthorizationResponses responses, Links links, OAuthConfig oauth, AuditLog audit) {
        this.pending = pending;
        this.continuations = continuations;
        this.consents = consents;
        this.codes = codes;
        this.responses = responses;
        this.links = links;
        this.oauth = oauth;
        this.audit = audit;
    }

    /**
     * Moves the request on for this browser.
     *
     * @param justLoggedIn the user logged in for this very request (prompt=login and max_age are met)
     */
    public Uni<Response> proceed(Pending p, Optional<Session> session, boolean justLoggedIn, int status) {
        return proceed(p, session, justLoggedIn, status, false);
    }

    /**
     * Moves the request on for this browser.
     *
     * @param justLoggedIn the user logged in for this very request (prompt=login and max_age are met)
     * @param framed the request comes from a frame (`Sec-Fetch-Dest: iframe`): a code is only
     *        issued through a continuation page the browser must render first
     */
    public Uni<Response> proceed(Pending p, Optional<Session> session, boolean justLoggedIn, int status, boolean framed) {
        String userId = session.map(Session::userId).orElse(null);
        return Uni.createFrom().deferred(() -> {
            if (session.isEmpty() || (!justLoggedIn && reauthenticationAsked(p.request(), session.get()))) {
                return toLogin(p, status);
            }
            Session s = session.get();
            requireOwnerOfDedicatedApp(p.client(), s.userId());
            if (p.client().trusted()) {
                // transparent authorization: no page, but the grant is recorded so the user sees it
                return consents.grant(s.userId(), p.client().clientId(), p.request().scopes())
                        .flatMap(v -> deliver(p, s, status, framed));
            }
            return consents.find(s.userId(), p.client().clientId()).flatMap(grant -> {
                boolean remembered = grant.isPresent() && grant.get().covers(p.request().scopes());
                if (remembered && !p.request().prompts("consent")) {
                    return consents.touch(s.userId(), p.client().clientId()).flatMap(v -> deliver(p, s, status, framed));
                }
                // OpenID Connect Core §3.1.2.6
                if (p.request().prompts("none")) {
                    throw OAuthException.of(OAuthError.CONSENT_REQUIRED, "The user has not approved this request");
                }
                return keep(p).map(id -> Html.redirect(links.consent(id), status));
            });
        }).onFailure(OAuthException.class).recoverWithUni(e -> fail(p, (OAuthException) e, userId, status));
    }

    /** The user approved on the consent page. */
    public Uni<Response> approve(Pending p, Session s, int status) {
        return Uni.createFrom().deferred(() -> {
            requireOwnerOfDedicatedApp(p.client(), s.userId());
            return consents.grant(s.userId(), p.client().clientId(), p.request().scopes())
                    .call(() -> audit.record("consent.granted", p.client().clientId(), s.userId(), s.userId(),
                            Map.of("scope", String.join(" ", p.request().scopes()))))
                    .flatMap(v -> issueCode(p, s, status));
        }).onFailure(OAuthException.class).recoverWithUni(e -> fail(p, (OAuthException) e, s.userId(), status));
    }

    /** The user refused on the consent page (RFC 6749 §4.1.2.1 access_denied). */
    public Uni<Response> deny(Pending p, Session s, int status) {
        return fail(p, OAuthException.of(OAuthError.ACCESS_DENIED, "The user denied the request"), s.userId(), status);
    }

    /** Ends the request with an error redirected to the client, recorded in the audit log. */
    public Uni<Response> fail(Pending p, OAuthException e, String userId, int status) {
        audit.recordFailure("authorize." + e.error().code(), p.client().clientId(), userId, Map.of("reason", e.description()));
        AuthorizationRequest r = p.request();
        return pending.delete(p.id()).map(v -> responses.error(r.effectiveRedirectUri(), e, r.state(), status));
    }

    /** prompt=login, or max_age exceeded (OpenID Connect Core §3.1.2.1). */
    private static boolean reauthenticationAsked(AuthorizationRequest r, Session s) {
        if (r.prompts("login")) {
            return true;
        }
        return r.maxAge() != null && System.currentTimeMillis() / 1000 - s.authTime() > r.maxAge();
    }

    private Uni<Response> toLogin(Pending p, int status) {
        // OpenID Connect Core §3.1.2.6: prompt=none never shows a page
        if (p.request().prompts("none")) {
            throw OAuthException.of(OAuthError.LOGIN_REQUIRED, "The user is not signed in");
        }
        return keep(p).map(id -> Html.redirect(links.login(id), status));
    }

    /**
     * CONTRACT.md: only its owner can authorize a dedicated app; anyone else is refused. A
     * dedicated app an admin registered without an owner is the admin's call, open to any user.
     */
    private static void requireOwnerOfDedicatedApp(ClientRecord client, String userId) {
        if (DEDICATED.equals(client.appType()) && client.ownerUserId() != null && !userId.equals(client.ownerUserId())) {
            throw OAuthException.of(OAuthError.ACCESS_DENIED, "Only the owner of this app can authorize it");
        }
    }

    private Uni<String> keep(Pending p) {
        return p.id() != null ? Uni.createFrom().item(p.id()) : pending.save(p.request());
    }

    /**
     * The code, or for a framed request the continuation page. Browsers do not check
     * `frame-ancestors` on a redirect, so a redirect carrying a code would reach a frame on any
     * site; the page is only rendered inside an ancestor the response's policy allows, and only
     * its rendering continues to the code ({@link FramedContinuations}).
     */
    private Uni<Response> deliver(Pending p, Session s, int status, boolean framed) {
        if (!framed) {
            return issueCode(p, s, status);
        }
        return continuations.save(p.request(), s)
                .call(id -> pending.delete(p.id()))
                .flatMap(id -> Templates.framed(new Continuation(links.path("/oauth/authorize?" + AuthorizeEndpoint.CONTINUE + "=" + id)))
                        .createUni())
                .map(html -> Html.page(200, html));
    }

    private Uni<Response> issueCode(Pending p, Session s, int status) {
        AuthorizationRequest r = p.request();
        AuthorizationCode code = new AuthorizationCode(r.clientId(), r.redirectUri(), r.effectiveRedirectUri(), r.scopes(),
                r.nonce(), r.codeChallenge(), r.codeChallengeMethod(), s.userId(), s.authTime(), Secrets.randomHex(16),
                System.currentTimeMillis() / 1000);
        return codes.issue(code, oauth.codeTtl())
                .call(c -> pending.delete(p.id()))
                .map(c -> responses.success(r.effectiveRedirectUri(), c, r.state(), status));
    }
}
