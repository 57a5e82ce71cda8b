package io.keyfair.registry.secret;

import java.time.Clock;
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
import io.keyfair.common.http.NoStore;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

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

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final AdminClientConfig adminClient;
    private final AdminCaller caller;
    private final Clock clock;

    SecretRotationResource(Pool pool, Clients clients, ClientEvents events, AdminClientConfig adminClient, AdminCaller caller,
            Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.adminClient = adminClient;
        this.caller = caller;
        this.clock = clock;
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
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant previousExpiresAt = previousTtl > 0 ? now.plusSeconds(previousTtl) : null;
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        .invoke(client -> {
                            if (!client.metadata().confidential()) {
                                throw OAuthException.invalidRequest("A public client has no secret to rotate");
                            }
                        })
                        .call(() -> clients.rotateSecret(tx, id, Secrets.sha256(secret), previousExpiresAt, now)))
                .call(() -> events.changed("client.secret_rotated", id, actor, Map.of("previous_secret_ttl", previousTtl)))
                .map(ignored -> NoStore.status(200)
                        .entity(new RotatedSecret(id, secret, previousExpiresAt == null ? null : previousExpiresAt.getEpochSecond()))
                        .build());
    }
}
