package io.keyfair.common.form;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;

/**
 * A form body or query string that is not valid `application/x-www-form-urlencoded` UTF-8, or
 * that is larger than the limits allow. It carries the {@link OAuthException} an OAuth endpoint
 * answers with; a service with HTML pages may render it as a page instead. Nothing of the input
 * is ever put into it.
 */
public final class MalformedFormException extends RuntimeException {

    private final OAuthException error;

    private MalformedFormException(OAuthException error) {
        super(error.description(), null, false, false);
        this.error = error;
    }

    /** A `%` not followed by two hexadecimal digits. */
    public static MalformedFormException badEscape() {
        return new MalformedFormException(OAuthException.invalidRequest(
                "The request has a percent sign that is not followed by two hexadecimal digits"));
    }

    /** RFC 6749 Appendix B: parameters are UTF-8 once percent-decoded. */
    public static MalformedFormException notUtf8() {
        return new MalformedFormException(OAuthException.invalidRequest("The request's parameters are not UTF-8"));
    }

    /** RFC 8259 §8.1: a JSON (or other text) body is UTF-8. */
    public static MalformedFormException bodyNotUtf8() {
        return new MalformedFormException(OAuthException.invalidRequest("The request body is not UTF-8"));
    }

    public static MalformedFormException parameterTooLarge(int limit) {
        return new MalformedFormException(OAuthException.invalidRequest(
                "A parameter of the request is larger than " + limit + " bytes"));
    }

    public static MalformedFormException bodyTooLarge(long limit) {
        return new MalformedFormException(OAuthException.of(OAuthError.REQUEST_TOO_LARGE,
                "The request body is larger than " + limit + " bytes"));
    }

    /** The RFC 6749 §5.2 error an OAuth endpoint answers with. */
    public OAuthException error() {
        return error;
    }
}
