package io.keyfair.token.jwks;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.keys.SigningKeys;

/** The public signing keys (RFC 7517): next, active and retired, never a private member. */
@Path("/oauth/jwks")
public class JwksEndpoint {

    private final String jwks;

    JwksEndpoint(SigningKeys keys) {
        this.jwks = keys.required().publicJwksJson();
    }

    @GET
    public Response jwks() {
        // a next key is published ahead of signing, so verifiers may cache for a while
        return Response.ok(jwks, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "public, max-age=300").build();
    }
}
