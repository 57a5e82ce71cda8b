package io.keyfair.registry.secret;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientEntity;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.ClientMetadata;
import io.keyfair.registry.client.ClientSecretEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * `POST /admin/clients/{id}/secret`: issues a new secret. With `{"previous_secret_ttl": N}` the
 * current secret keeps working N more seconds so a fleet can roll over without downtime; with
 * N = 0, the default, it stops at once. Only one previous secret overlaps: an older one still in
 * its window is removed.
 */
@Path("/admin/clients/{id}/secret")
@Produces(MediaType.APPLICATION_JSON)
public class SecretRotationResource {

    /** 30 days. */
    static final int MAX_PREVIOUS_SECRET_TTL = 2_592_000;

    private final ClientEvents events;
    private final AdminClientConfig adminClient;
    private final AdminCaller caller;

    SecretRotationResource(ClientEvents events, AdminClientConfig adminClient, AdminCaller caller) {
        this.events = events;
        this.adminClient = adminClient;
        this.caller = caller;
    }

    @POST
    public Uni<Response> rotate(@PathParam("id") String id, String body) {
        Integer given = JsonBody.optional(body, OAuthException::invalidRequest)
                .integer("previous_secret_ttl", 0, MAX_PREVIOUS_SECRET_TTL);
        int previousTtl = given == null ? 0 : given;
        if (adminClient.isAdminClient(id)) {
            // its secret is KEYFAIR_ADMIN_CLIENT_SECRET, which token-service restores at every start
            throw OAuthException.invalidRequest("The bootstrap admin client's secret is set by its configuration");
        }
        String actor = caller.clientId();
        String secret = Secrets.newSecret();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant previousExpiresAt = previousTtl > 0 ? now.plusSeconds(previousTtl) : null;
        return Panache.withTransaction(() -> ClientEntity.requireForUpdate(id)
                        .invoke(client -> {
                            if (ClientMetadata.AUTH_NONE.equals(client.tokenEndpointAuthMethod)) {
                                throw OAuthException.invalidRequest("A public client has no secret to rotate");
                            }
                            client.updatedAt = now;
                        })
                        .call(() -> ClientSecretEntity.delete("clientId = ?1 and expiresAt is not null", id))
                        .call(() -> previousExpiresAt == null
                                ? ClientSecretEntity.delete("clientId = ?1", id)
                                : ClientSecretEntity.update("expiresAt = ?1 where clientId = ?2 and expiresAt is null",
                                        previousExpiresAt, id))
                        .call(() -> ClientSecretEntity.current(id, Secrets.sha256(secret), now).persist()))
                .call(() -> events.changed("client.secret_rotated", id, actor, Map.of("previous_secret_ttl", previousTtl)))
                .map(ignored -> Response.ok(new RotatedSecret(id, secret,
                                previousExpiresAt == null ? null : previousExpiresAt.getEpochSecond()))
                        .header("Cache-Control", "no-store")
                        .header("Pragma", "no-cache")
                        .build());
    }
}
