package io.keyfair.registry.secret;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;

/**
 * `POST /admin/clients/{id}/secret`: issues a new secret through {@link SecretRotation}. With
 * `{"previous_secret_ttl": N}` the current secret keeps working N more seconds so a fleet can
 * roll over without downtime; with N = 0, the default, it stops at once.
 */
@Path("/admin/clients/{id}/secret")
@Produces(MediaType.APPLICATION_JSON)
public class SecretRotationResource {

    private final SecretRotation rotation;
    private final AdminCaller caller;

    SecretRotationResource(SecretRotation rotation, AdminCaller caller) {
        this.rotation = rotation;
        this.caller = caller;
    }

    @POST
    @APIResponse(responseCode = "200", description = "The new secret, shown only now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RotatedSecret.class)))
    public Uni<Response> rotate(@PathParam("id") String id, String body) {
        Integer given = JsonBody.optional(body, OAuthException::invalidRequest)
                .integer("previous_secret_ttl", 0, SecretRotation.MAX_PREVIOUS_SECRET_TTL);
        return rotation.rotate(id, given == null ? 0 : given, caller.clientId())
                .map(rotated -> NoStore.status(200).entity(rotated).build());
    }
}
