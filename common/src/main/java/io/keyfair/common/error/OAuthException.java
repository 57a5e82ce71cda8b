package io.keyfair.common.error;

import java.time.Duration;
import java.util.Map;

/**
 * A failure a client is told about. The description is public; the detail is the precise reason,
 * for logs and audit only (as node oidc-provider's `error_detail`), and must never hold a secret,
 * code or token.
 */
public final class OAuthException extends RuntimeException {

    private final OAuthError error;
    private final String description;
    private final String detail;
    private final int status;
    private final Map<String, String> headers;
    private final boolean withBody;

    private OAuthException(OAuthError error, int status, String description, String detail, Map<String, String> headers) {
        this(error, status, description, detail, headers, true);
    }

    private OAuthException(OAuthError error, int status, String description, String detail, Map<String, String> headers,
            boolean withBody) {
        super(detail == null ? description : detail, null, false, false);
        this.error = error;
        this.status = status;
        this.description = description;
        this.detail = detail;
        this.headers = headers;
        this.withBody = withBody;
    }

    public static OAuthException of(OAuthError error, String description) {
        return new OAuthException(error, error.status(), description, null, Map.of());
    }

    public static OAuthException invalidRequest(String description) {
        return of(OAuthError.INVALID_REQUEST, description);
    }

    /** RFC 6749 §5.2: 401, with `WWW-Authenticate: Basic` when the client used Basic. */
    public static OAuthException invalidClient(String description, boolean basicUsed) {
        Map<String, String> headers = basicUsed ? Map.of("WWW-Authenticate", "Basic realm=\"keyfair\"") : Map.of();
        return new OAuthException(OAuthError.INVALID_CLIENT, 401, description, null, headers);
    }

    /**
     * CONTRACT.md: 429 `rate_limited` with `Retry-After`, the whole seconds until the caller may
     * try again (at least 1).
     */
    public static OAuthException rateLimited(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new OAuthException(OAuthError.RATE_LIMITED, 429, "Too many requests; retry after " + seconds + " seconds",
                null, Map.of("Retry-After", Long.toString(seconds)));
    }

    public static OAuthException invalidGrant(String description) {
        return of(OAuthError.INVALID_GRANT, description);
    }

    public static OAuthException invalidScope(String description) {
        return of(OAuthError.INVALID_SCOPE, description);
    }

    public static OAuthException unauthorizedClient(String description) {
        return of(OAuthError.UNAUTHORIZED_CLIENT, description);
    }

    public static OAuthException unsupportedGrantType(String description) {
        return of(OAuthError.UNSUPPORTED_GRANT_TYPE, description);
    }

    public static OAuthException invalidClientMetadata(String description) {
        return of(OAuthError.INVALID_CLIENT_METADATA, description);
    }

    public static OAuthException invalidRedirectUri(String description) {
        return of(OAuthError.INVALID_REDIRECT_URI, description);
    }

    public static OAuthException notFound(String description) {
        return of(OAuthError.NOT_FOUND, description);
    }

    /**
     * RFC 6750 §3.1: a request without any token gets a bare challenge, and neither an error code
     * nor other error information.
     */
    public static OAuthException missingBearerToken() {
        return new OAuthException(OAuthError.INVALID_TOKEN, 401, "A bearer token is required", null,
                Map.of("WWW-Authenticate", "Bearer realm=\"keyfair\""), false);
    }

    /** RFC 6750 §3.1: the presented bearer token is malformed, expired, revoked or forged. */
    public static OAuthException invalidToken(String description) {
        return new OAuthException(OAuthError.INVALID_TOKEN, 401, description, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"keyfair\", error=\"invalid_token\", error_description=\""
                        + description.replace("\"", "'") + "\""));
    }

    /** RFC 6750 §3.1: the token is valid but lacks the scope the request needs. */
    public static OAuthException insufficientScope(String scope) {
        String description = "The token does not carry the scope " + scope;
        return new OAuthException(OAuthError.INSUFFICIENT_SCOPE, 403, description, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"keyfair\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
    }

    /**
     * RFC 9449 §5: the `DPoP` proof of a token request is missing where one is required, malformed,
     * wrongly signed, for another request, too old or replayed. The description says which.
     */
    public static OAuthException invalidDpopProof(String description) {
        return of(OAuthError.INVALID_DPOP_PROOF, description);
    }

    /**
     * RFC 9449 §8: the proof must carry the server's current nonce, which the `DPoP-Nonce` header
     * supplies.
     */
    public static OAuthException useDpopNonce(String nonce) {
        return new OAuthException(OAuthError.USE_DPOP_NONCE, 400, "The DPoP proof must carry the nonce in the DPoP-Nonce header",
                null, Map.of("DPoP-Nonce", nonce));
    }

    /** The same error with another status and these headers added (a resource server's 401 challenge). */
    public OAuthException asChallenge(int status, Map<String, String> challengeHeaders) {
        Map<String, String> merged = new java.util.HashMap<>(headers);
        merged.putAll(challengeHeaders);
        return new OAuthException(error, status, description, detail, Map.copyOf(merged), withBody);
    }

    public static OAuthException serverError(String detail) {
        return new OAuthException(OAuthError.SERVER_ERROR, 500, "The server could not complete the request", detail, Map.of());
    }

    /** The same error with a private detail for the logs. */
    public OAuthException withDetail(String detail) {
        return new OAuthException(error, status, description, detail, headers, withBody);
    }

    public OAuthError error() {
        return error;
    }

    public String description() {
        return description;
    }

    /** The private reason, or null when the description says it all. Never sent to the client. */
    public String detail() {
        return detail;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** False when the response must carry no error information at all (RFC 6750 §3.1). */
    public boolean withBody() {
        return withBody;
    }
}
