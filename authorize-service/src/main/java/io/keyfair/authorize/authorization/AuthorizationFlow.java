package io.keyfair.authorize.authorization;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyfair.authorize.authorization.AuthorizationOutcome.Code;
import io.keyfair.authorize.authorization.AuthorizationOutcome.Failure;
import io.keyfair.authorize.authorization.AuthorizationOutcome.Framed;
import io.keyfair.authorize.authorization.AuthorizationOutcome.ShowConsent;
import io.keyfair.authorize.authorization.AuthorizationOutcome.ShowLogin;
import io.keyfair.authorize.authorization.AuthorizationMetrics.Outcome;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Session;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.smallrye.mutiny.Uni;

/**
 * What happens to a valid authorization request, wherever it stands (just validated, after the
 * login page, after the consent page): sign in, owner check for dedicated apps, consent, code.
 * Each step either moves on or ends in an {@link AuthorizationOutcome}: a page to show, or the
 * authorization response for the client. An {@link OAuthException} on the way ends the request
 * with that error, sent to the client.
 */
@ApplicationScoped
public class AuthorizationFlow {

    static final String DEDICATED = "dedicated";

    /**
     * A request on its way.
     *
     * @param id its id in {@link PendingRequests}, or null while it is not kept there
     */
    public record Pending(String id, AuthorizationRequest request, ClientRecord client) {
    }

    private final PendingRequests pending;
    private final FramedContinuations continuations;
    private final Consents consents;
    private final ClientDirectory clients;
    private final AuthorizationCodes codes;
    private final OAuthConfig oauth;
    private final AuditLog audit;
    private final Clock clock;
    @Inject
    AuthorizationMetrics metrics;

    AuthorizationFlow(PendingRequests pending, FramedContinuations continuations, Consents consents, ClientDirectory clients,
            AuthorizationCodes codes, OAuthConfig oauth, AuditLog audit, Clock clock) {
        this.pending = pending;
        this.continuations = continuations;
        this.consents = consents;
        this.clients = clients;
        this.codes = codes;
        this.oauth = oauth;
        this.audit = audit;
        this.clock = clock;
    }

    /** The request waiting in {@link PendingRequests} under this id, with its client; a page when there is none. */
    public Uni<Pending> waiting(String requestId) {
        return pending.find(requestId)
                .map(found -> found.orElseThrow(PageException::requestExpired))
                .flatMap(request -> withClient(requestId, request));
    }

    /**
     * The request with its client, which must still be approved: the app may have been suspended
     * since the request was validated (while the user was typing, say).
     */
    public Uni<Pending> withClient(String requestId, AuthorizationRequest request) {
        return clients.find(request.clientId()).map(client -> new Pending(requestId, request,
                client.filter(ClientRecord::isApproved).orElseThrow(() -> PageException.badRequest(
                        "The app that sent you here is no longer allowed to sign people in."))));
    }

    /**
     * Moves the request on for this browser.
     *
     * @param justLoggedIn the user logged in for this very request (prompt=login and max_age are met)
     */
    public Uni<AuthorizationOutcome> proceed(Pending p, Optional<Session> session, boolean justLoggedIn) {
        return proceed(p, session, justLoggedIn, false);
    }

    /**
     * Moves the request on for this browser.
     *
     * @param justLoggedIn the user logged in for this very request (prompt=login and max_age are met)
     * @param framed the request comes from a frame (`Sec-Fetch-Dest: iframe`): a code is only
     *        issued through a continuation page the browser must render first
     */
    public Uni<AuthorizationOutcome> proceed(Pending p, Optional<Session> session, boolean justLoggedIn, boolean framed) {
        String userId = session.map(Session::userId).orElse(null);
        return Uni.createFrom().deferred(() -> {
            if (session.isEmpty() || (!justLoggedIn && reauthenticationAsked(p.request(), session.get()))) {
                return toLogin(p);
            }
            Session s = session.get();
            requireOwnerOfDedicatedApp(p.client(), s.userId());
            return p.client().trusted() ? transparently(p, s, framed) : withConsent(p, s, framed);
        }).onFailure(OAuthException.class).recoverWithUni(e -> fail(p, (OAuthException) e, userId));
    }

    /** The user approved on the consent page. */
    public Uni<AuthorizationOutcome> approve(Pending p, Session s) {
        return Uni.createFrom().deferred(() -> {
            requireOwnerOfDedicatedApp(p.client(), s.userId());
            return consents.grant(s.userId(), p.client().clientId(), p.request().scopes())
                    .call(() -> audit.record("consent.granted", p.client().clientId(), s.userId(), s.userId(),
                            Map.of("scope", String.join(" ", p.request().scopes()))))
                    .flatMap(v -> issueCode(p, s))
                    .invoke(() -> metrics.count(Outcome.APPROVED));
        }).onFailure(OAuthException.class).recoverWithUni(e -> fail(p, (OAuthException) e, s.userId()));
    }

    /** The user refused on the consent page (RFC 6749 §4.1.2.1 access_denied). */
    public Uni<AuthorizationOutcome> deny(Pending p, Session s) {
        metrics.count(Outcome.DENIED);
        return fail(p, OAuthException.of(OAuthError.ACCESS_DENIED, "The user denied the request"), s.userId());
    }

    /** The user cancelled on the login page, before anyone signed in: refused like {@link #deny}. */
    public Uni<AuthorizationOutcome> cancel(Pending p) {
        metrics.count(Outcome.DENIED);
        return fail(p, OAuthException.of(OAuthError.ACCESS_DENIED, "The user cancelled the sign-in"), null);
    }

    /** Ends the request with an error for the client, recorded in the audit log. */
    private Uni<AuthorizationOutcome> fail(Pending p, OAuthException e, String userId) {
        audit.recordFailure("authorize." + e.error().code(), p.client().clientId(), userId, Map.of("reason", e.description()));
        AuthorizationRequest r = p.request();
        return pending.delete(p.id()).map(v -> new Failure(r.effectiveRedirectUri(), e, r.state()));
    }

    /** prompt=login, or max_age exceeded (OpenID Connect Core §3.1.2.1). */
    private boolean reauthenticationAsked(AuthorizationRequest r, Session s) {
        if (r.prompts("login")) {
            return true;
        }
        return r.maxAge() != null && clock.instant().getEpochSecond() - s.authTime() > r.maxAge();
    }

    private Uni<AuthorizationOutcome> toLogin(Pending p) {
        // OpenID Connect Core §3.1.2.6: prompt=none never shows a page
        if (p.request().prompts("none")) {
            throw OAuthException.of(OAuthError.LOGIN_REQUIRED, "The user is not signed in");
        }
        return keep(p).map(ShowLogin::new);
    }

    /**
     * CONTRACT.md: only its owner can authorize a dedicated app; anyone else is refused. A
     * dedicated app without an owner (the registry refuses one now; an older row may have none)
     * is authorized by nobody.
     */
    private static void requireOwnerOfDedicatedApp(ClientRecord client, String userId) {
        if (DEDICATED.equals(client.appType()) && !userId.equals(client.ownerUserId())) {
            throw OAuthException.of(OAuthError.ACCESS_DENIED, "Only the owner of this app can authorize it");
        }
    }

    /** Transparent authorization: no page, but the grant is recorded so the user sees it. */
    private Uni<AuthorizationOutcome> transparently(Pending p, Session s, boolean framed) {
        return consents.grant(s.userId(), p.client().clientId(), p.request().scopes())
                .flatMap(v -> deliver(p, s, framed))
                .invoke(o -> counted(o, Outcome.TRANSPARENT));
    }

    /** A grant the user gave before and that covers the request, else the consent page. */
    private Uni<AuthorizationOutcome> withConsent(Pending p, Session s, boolean framed) {
        return consents.find(s.userId(), p.client().clientId())
                .flatMap(grant -> grant.isPresent() && grant.get().covers(p.request().scopes()) && !p.request().prompts("consent")
                        ? consents.touch(s.userId(), p.client().clientId()).flatMap(v -> deliver(p, s, framed))
                                .invoke(o -> counted(o, Outcome.PRIOR_CONSENT))
                        : askConsent(p));
    }

    /** Counted when the code goes out: a framed request passes here twice, first for its continuation page. */
    private void counted(AuthorizationOutcome o, Outcome outcome) {
        if (o instanceof Code) {
            metrics.count(outcome);
        }
    }

    private Uni<AuthorizationOutcome> askConsent(Pending p) {
        // OpenID Connect Core §3.1.2.6
        if (p.request().prompts("none")) {
            throw OAuthException.of(OAuthError.CONSENT_REQUIRED, "The user has not approved this request");
        }
        return keep(p).map(ShowConsent::new);
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
    private Uni<AuthorizationOutcome> deliver(Pending p, Session s, boolean framed) {
        if (!framed) {
            return issueCode(p, s);
        }
        return continuations.save(p.request(), s)
                .call(id -> pending.delete(p.id()))
                .map(Framed::new);
    }

    private Uni<AuthorizationOutcome> issueCode(Pending p, Session s) {
        AuthorizationRequest r = p.request();
        AuthorizationCode code = new AuthorizationCode(r.clientId(), r.redirectUri(), r.effectiveRedirectUri(), r.scopes(),
                r.nonce(), r.codeChallenge(), r.codeChallengeMethod(), s.userId(), s.authTime(), Secrets.randomHex(16),
                clock.instant().getEpochSecond(), r.dpopJkt());
        return codes.issue(code, oauth.codeTtl())
                .call(c -> pending.delete(p.id()))
                .map(c -> new Code(r.effectiveRedirectUri(), c, r.state()));
    }
}
