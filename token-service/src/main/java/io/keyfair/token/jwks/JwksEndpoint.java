package io.keyfair.token.jwks;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.keys.SigningKeys;

/**
 * The public signing keys (RFC 7517): next, active and retired, never a private member, from the
 * key ring in use (reloaded when the key file changes).
 */
@Path("/oauth/jwks")
public class JwksEndpoint {

    private final SigningKeys keys;

    JwksEndpoint(SigningKeys keys) {
        this.keys = keys;
        keys.required();
    }

    @GET
    public Response jwks() {
        // a next key is published ahead of signing, so verifiers may cache for a while
        // the ring in use now: a reloaded key file shows here at once
        return Response.ok(keys.required().publicJwksJson(), MediaType.APPLICATION_JSON_TYPE)
                .header("Cache-Control", "public, max-age=300").build();
    }
}
