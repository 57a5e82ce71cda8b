package io.keyfair.common.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Responses that no cache may keep. RFC 6749 §5.1: the server "MUST include the HTTP
 * Cache-Control response header field with a value of no-store in any response containing
 * tokens, credentials, or other sensitive information, as well as the Pragma response header
 * field with a value of no-cache". The OAuth JSON endpoints (token, revocation, introspection,
 * userinfo), every OAuth error response (`ErrorMappers`), the registry's answers that carry a
 * secret or an initial access token, and authorize-service's pages are built here.
 */
public final class NoStore {

    private NoStore() {
    }

    /** A response of this status with the two headers; the caller adds the body and the rest. */
    public static Response.ResponseBuilder status(int status) {
        return Response.status(status)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
    }

    /** 200 with this body as JSON. */
    public static Response json(Object body) {
        return status(200).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
