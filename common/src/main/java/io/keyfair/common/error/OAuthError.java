package io.keyfair.common.error;

/** The error codes Keyfair answers with, each with its RFC code and default HTTP status. */
public enum OAuthError {
    // RFC 6749 §5.2 and §4.1.2.1
    INVALID_REQUEST("invalid_request", 400),
    INVALID_CLIENT("invalid_client", 401),
    INVALID_GRANT("invalid_grant", 400),
    UNAUTHORIZED_CLIENT("unauthorized_client", 400),
    UNSUPPORTED_GRANT_TYPE("unsupported_grant_type", 400),
    UNSUPPORTED_RESPONSE_TYPE("unsupported_response_type", 400),
    INVALID_SCOPE("invalid_scope", 400),
    ACCESS_DENIED("access_denied", 403),
    SERVER_ERROR("server_error", 500),
    TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503),
    // OpenID Connect Core §3.1.2.6
    LOGIN_REQUIRED("login_required", 400),
    CONSENT_REQUIRED("consent_required", 400),
    INVALID_REQUEST_URI("invalid_request_uri", 400),
    REQUEST_NOT_SUPPORTED("request_not_supported", 400),
    REQUEST_URI_NOT_SUPPORTED("request_uri_not_supported", 400),
    // RFC 6750 §3.1
    INVALID_TOKEN("invalid_token", 401),
    INSUFFICIENT_SCOPE("insufficient_scope", 403),
    // RFC 9449 §5, §7.1, §8 and §9
    INVALID_DPOP_PROOF("invalid_dpop_proof", 400),
    USE_DPOP_NONCE("use_dpop_nonce", 400),
    // RFC 7591 §3.2.2
    INVALID_REDIRECT_URI("invalid_redirect_uri", 400),
    INVALID_CLIENT_METADATA("invalid_client_metadata", 400),
    // Keyfair's admin API and limits
    NOT_FOUND("not_found", 404),
    CONFLICT("conflict", 409),
    REQUEST_TOO_LARGE("invalid_request", 413),
    TOO_MANY_REQUESTS("too_many_requests", 429),
    // CONTRACT.md "Errors, limits, bad input": every limit answers 429 rate_limited with Retry-After
    RATE_LIMITED("rate_limited", 429);

    private final String code;
    private final int status;

    OAuthError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The value of the `error` member. */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
