package io.keyfair.authorize.authorization;

import io.keyfair.common.error.OAuthException;

/**
 * Where {@link AuthorizationFlow} leaves a request: what the browser is shown next. The endpoint
 * that moved the request turns it into a response ({@link AuthorizationResponses}); only the
 * endpoint knows whether it answers a GET or a form POST, so the flow never chooses a status.
 */
public sealed interface AuthorizationOutcome {

    /** The user signs in first, on the login page, which continues the waiting request. */
    record ShowLogin(String requestId) implements AuthorizationOutcome {
    }

    /** The user decides on the consent page of the waiting request. */
    record ShowConsent(String requestId) implements AuthorizationOutcome {
    }

    /** Back to the client with a code (RFC 6749 §4.1.2). */
    record Code(String redirectUri, String code, String state) implements AuthorizationOutcome {
    }

    /** Back to the client with an error (RFC 6749 §4.1.2.1). */
    record Failure(String redirectUri, OAuthException error, String state) implements AuthorizationOutcome {
    }

    /**
     * A framed request's continuation page, which goes on to the code only once the browser
     * renders it inside an allowed ancestor ({@link FramedContinuations}).
     */
    record Framed(String continuationId) implements AuthorizationOutcome {
    }
}
