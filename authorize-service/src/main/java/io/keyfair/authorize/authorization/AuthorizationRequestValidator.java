package io.keyfair.authorize.authorization;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.authorize.page.PageException;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.smallrye.mutiny.Uni;

/**
 * The checks of an authorization request (RFC 6749 §4.1.1 and §4.1.2.1, RFC 7636, RFC 9700,
 * OpenID Connect Core §3.1.2), in two stages: first the client and redirect URI, whose failures
 * are shown as a page because there is nowhere safe to redirect; then everything else, whose
 * failures are redirected to the client.
 */
@ApplicationScoped
public class AuthorizationRequestValidator {

    static final String AUTHORIZATION_CODE = "authorization_code";
    static final String S256 = "S256";
    static final Set<String> PROMPTS = Set.of("none", "login", "consent");

    /** RFC 7636 §4.2: 43 to 128 characters of the unreserved set. */
    private static final Pattern CODE_CHALLENGE = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern MAX_AGE = Pattern.compile("\\d{1,9}");
    /** RFC 9449 §10: a base64url SHA-256 JWK thumbprint (RFC 7638), 43 characters. */
    private static final Pattern DPOP_JKT = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_CLIENT_ID = 64;
    private static final int MAX_REDIRECT_URI = 2048;
    static final int MAX_STATE = 2048;
    private static final int MAX_NONCE = 512;
    private static final int MAX_SCOPE = 1024;
    private static final int MAX_LOGIN_HINT = 128;

    private final ClientDirectory clients;
    private final ScopeCatalog catalog;

    AuthorizationRequestValidator(ClientDirectory clients, ScopeCatalog catalog) {
        this.clients = clients;
        this.catalog = catalog;
    }

    /**
     * Stage one: an approved client and a registered redirect URI (RFC 6749 §3.1.2.4 and §4.1.2.1:
     * "the authorization server SHOULD inform the resource owner of the error and MUST NOT
     * automatically redirect the user-agent to the invalid redirection URI").
     */
    public Uni<Target> target(AuthorizationParameters p) {
        // a repeated client_id or redirect_uri leaves the target ambiguous
        if (p.isRepeated("redirect_uri")) {
            return Uni.createFrom().failure(repeatedTarget());
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri != null && redirectUri.length() > MAX_REDIRECT_URI) {
            return Uni.createFrom().failure(badRedirect());
        }
        return client(p).map(client -> {
            String effective = effectiveRedirectUri(client, redirectUri);
            if (effective == null) {
                throw badRedirect();
            }
            String state = p.get("state");
            return new Target(client, redirectUri, effective, state != null && state.length() <= MAX_STATE ? state : null);
        });
    }

    /**
     * The approved client the request names, else the error page: the first check of stage one,
     * and all of it for a request that names its redirect URI only in a pushed request.
     */
    public Uni<ClientRecord> client(AuthorizationParameters p) {
        if (p.isRepeated("client_id")) {
            return Uni.createFrom().failure(repeatedTarget());
        }
        String clientId = p.get("client_id");
        if (clientId == null || clientId.length() > MAX_CLIENT_ID) {
            return Uni.createFrom().failure(unknownClient());
        }
        // only approved clients authorize: pending, rejected and suspended ones look unknown
        return clients.find(clientId)
                .map(found -> found.filter(ClientRecord::isApproved).orElseThrow(AuthorizationRequestValidator::unknownClient));
    }

    /**
     * Where the response goes: the sent redirect URI when it is registered (exact string
     * comparison, RFC 9700 §2.1), else, when none was sent, the only registered one (RFC 6749
     * §3.1.2.3); null when neither.
     */
    private static String effectiveRedirectUri(ClientRecord client, String redirectUri) {
        if (redirectUri == null) {
            return client.redirectUris().size() == 1 ? client.redirectUris().get(0) : null;
        }
        return client.redirectUris().contains(redirectUri) ? redirectUri : null;
    }

    /**
     * A pushed authorization request (RFC 9126 §2.1) of an authenticated client, checked as the
     * authorization endpoint checks it; every failure, the redirect URI's included, is an
     * {@link OAuthException} for the client's JSON error response (RFC 9126 §2.3).
     */
    public Uni<AuthorizationRequest> pushed(ClientRecord client, AuthorizationParameters p) {
        // RFC 9126 §2.1: "The request_uri authorization request parameter is one exception, and it MUST NOT be provided"
        if (p.get("request_uri") != null) {
            throw OAuthException.invalidRequest("request_uri cannot be pushed");
        }
        String redirectUri = p.get("redirect_uri");
        String effective = redirectUri != null && redirectUri.length() > MAX_REDIRECT_URI ? null
                : effectiveRedirectUri(client, redirectUri);
        if (effective == null) {
            throw OAuthException.invalidRequest(redirectUri == null ? "redirect_uri is required: the client registered several"
                    : "redirect_uri is not registered for the client");
        }
        String state = p.get("state");
        Target target = new Target(client, redirectUri, effective, state != null && state.length() <= MAX_STATE ? state : null);
        return request(target, p, true);
    }

    /**
     * Stage two: everything else; an {@link OAuthException} here is redirected to the target.
     *
     * @param pushed the parameters came from a pushed authorization request (RFC 9126)
     */
    public Uni<AuthorizationRequest> request(Target target, AuthorizationParameters p, boolean pushed) {
        return catalog.all().map(scopes -> check(target, p, pushed, scopes));
    }

    private AuthorizationRequest check(Target target, AuthorizationParameters p, boolean pushed, Map<String, Scope> catalog) {
        ClientRecord client = target.client();
        // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once"
        String repeated = p.anyRepeated();
        if (repeated != null) {
            throw OAuthException.invalidRequest("The parameter " + safeName(repeated) + " was given more than once");
        }
        if (p.get("state") != null && p.get("state").length() > MAX_STATE) {
            throw OAuthException.invalidRequest("state is too long");
        }
        // OpenID Connect Core §3.1.2.6: request objects are not supported, by value or by
        // reference; the only request_uri values are the PAR endpoint's, taken before this stage
        if (p.get("request") != null) {
            throw OAuthException.of(OAuthError.REQUEST_NOT_SUPPORTED, "Request objects are not supported");
        }
        if (p.get("request_uri") != null) {
            throw OAuthException.of(OAuthError.REQUEST_URI_NOT_SUPPORTED,
                    "Only request_uri values from the pushed authorization request endpoint are supported");
        }
        // RFC 9126 §6: such a client's requests must come through the PAR endpoint
        if (!pushed && client.requirePushedAuthorizationRequests()) {
            throw OAuthException.invalidRequest("This client must push its authorization requests (RFC 9126) and send a request_uri");
        }
        responseType(p.get("response_type"));
        // RFC 6749 §4.1.2.1 unauthorized_client: not registered for the code grant
        if (!client.grantTypes().contains(AUTHORIZATION_CODE)) {
            throw OAuthException.unauthorizedClient("The client is not allowed to use the authorization code grant");
        }
        String responseMode = p.get("response_mode");
        if (responseMode != null && !responseMode.equals("query")) {
            throw OAuthException.invalidRequest("Only response_mode=query is supported");
        }
        List<String> scopes = scopes(client, p.get("scope"), catalog);
        String challenge = p.get("code_challenge");
        String method = pkce(client, challenge, p.get("code_challenge_method"));
        List<String> prompt = prompt(p.get("prompt"));
        Long maxAge = maxAge(p.get("max_age"));
        String nonce = p.get("nonce");
        if (nonce != null && nonce.length() > MAX_NONCE) {
            throw OAuthException.invalidRequest("nonce is too long");
        }
        String loginHint = p.get("login_hint");
        if (loginHint != null && loginHint.length() > MAX_LOGIN_HINT) {
            loginHint = null; // only a convenience for the login form
        }
        String dpopJkt = p.get("dpop_jkt");
        // RFC 9449 §10: the code will be bound to this key; anything else cannot be a thumbprint
        if (dpopJkt != null && !DPOP_JKT.matcher(dpopJkt).matches()) {
            throw OAuthException.invalidRequest("dpop_jkt must be the base64url SHA-256 thumbprint of a JWK");
        }
        return new AuthorizationRequest(client.clientId(), target.redirectUri(), target.effectiveRedirectUri(), scopes,
                target.state(), nonce, challenge, method, prompt, maxAge, loginHint, dpopJkt);
    }

    /** RFC 6749 §4.1.1: `code` only; implicit and hybrid flows are not offered (RFC 9700 §2.1.2). */
    private static void responseType(String responseType) {
        if (responseType == null) {
            throw OAuthException.invalidRequest("response_type is required");
        }
        if (!responseType.equals("code")) {
            throw OAuthException.of(OAuthError.UNSUPPORTED_RESPONSE_TYPE,
                    "Only response_type=code is supported");
        }
    }

    /**
     * RFC 6749 §3.3. Every scope must be in the catalog, registered for the client and not
     * restricted (`admin` is for client_credentials only). Without `scope`, the client's
     * registered scopes less the restricted ones are asked for, as the token endpoint does for
     * client_credentials; the user sees each of them on the consent page.
     */
    private static List<String> scopes(ClientRecord client, String scope, Map<String, Scope> catalog) {
        if (scope != null && scope.length() > MAX_SCOPE) {
            throw OAuthException.invalidScope("scope is too long");
        }
        Set<String> asked = new LinkedHashSet<>();
        if (scope == null) {
            for (String s : client.scopes()) {
                Scope known = catalog.get(s);
                if (known != null && !known.restricted()) {
                    asked.add(s);
                }
            }
        } else {
            for (String s : scope.split(" ")) {
                if (s.isEmpty()) {
                    continue;
                }
                Scope known = catalog.get(s);
                if (known == null || known.restricted() || !client.scopes().contains(s)) {
                    throw OAuthException.invalidScope("The client may not ask for the scope " + safeName(s));
                }
                asked.add(s);
            }
        }
        if (asked.isEmpty()) {
            throw OAuthException.invalidScope("No scope was requested");
        }
        return new ArrayList<>(asked);
    }

    /**
     * RFC 7636 and RFC 9700 §2.1.1: S256 only (`plain`, and RFC 7636's default of plain when the
     * method is omitted, are refused); required for public clients, which have no secret to
     * bind the code to.
     */
    private static String pkce(ClientRecord client, String challenge, String method) {
        if (challenge == null) {
            if (method != null) {
                throw OAuthException.invalidRequest("code_challenge_method was sent without code_challenge");
            }
            if (client.isPublic()) {
                throw OAuthException.invalidRequest("PKCE (code_challenge with code_challenge_method=S256) is required for this client");
            }
            return null;
        }
        if (!S256.equals(method)) {
            throw OAuthException.invalidRequest("code_challenge_method must be S256");
        }
        if (!CODE_CHALLENGE.matcher(challenge).matches()) {
            throw OAuthException.invalidRequest("code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9 and - . _ ~");
        }
        return method;
    }

    /** OpenID Connect Core §3.1.2.1: `none` may not be combined with any other value. */
    private static List<String> prompt(String prompt) {
        if (prompt == null) {
            return List.of();
        }
        Set<String> values = new LinkedHashSet<>();
        for (String v : prompt.split(" ")) {
            if (v.isEmpty()) {
                continue;
            }
            if (!PROMPTS.contains(v)) {
                throw OAuthException.invalidRequest("prompt may only hold none, login and consent");
            }
            values.add(v);
        }
        if (values.contains("none") && values.size() > 1) {
            throw OAuthException.invalidRequest("prompt=none cannot be combined with other values");
        }
        return new ArrayList<>(values);
    }

    private static Long maxAge(String maxAge) {
        if (maxAge == null) {
            return null;
        }
        if (!MAX_AGE.matcher(maxAge).matches()) {
            throw OAuthException.invalidRequest("max_age must be a non-negative number of seconds");
        }
        return Long.parseLong(maxAge);
    }

    /** A parameter or scope name for an error description: RFC 6749 allows only %x20-21 / %x23-5B / %x5D-7E. */
    private static String safeName(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.replaceAll("[^\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]", "?");
    }

    private static PageException repeatedTarget() {
        return PageException.badRequest("The request names its app or its return address more than once.");
    }

    private static PageException unknownClient() {
        return PageException.badRequest("The app that sent you here is not registered with us, or is not allowed to sign people in.");
    }

    private static PageException badRedirect() {
        return PageException.badRequest("The app that sent you here asked to send you back to an address it has not registered.");
    }
}
