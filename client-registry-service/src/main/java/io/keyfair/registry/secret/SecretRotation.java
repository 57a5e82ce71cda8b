package io.keyfair.registry.secret;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Issues a client a new secret: the one core behind the admin API's
 * `POST /admin/clients/{id}/secret` and the developer portal's "Rotate the secret", so both
 * refuse, overlap and audit alike. With a previous-secret TTL of N seconds the current secret
 * keeps working N more seconds; with 0 it stops at once. Only one previous secret overlaps: an
 * older one still in its window is removed.
 */
@ApplicationScoped
public class SecretRotation {

    /** 30 days. */
    public static final int MAX_PREVIOUS_SECRET_TTL = 2_592_000;

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final AdminClientConfig adminClient;
    private final Clock clock;

    SecretRotation(Pool pool, Clients clients, ClientEvents events, AdminClientConfig adminClient, Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.adminClient = adminClient;
        this.clock = clock;
    }

    /**
     * Rotates the secret of a confidential client, audited as `client.secret_rotated` by
     * {@code actor} (a client id, or `user:<id>` from the portal). The secret never reaches the audit.
     *
     * @param previousTtl 0 to {@link #MAX_PREVIOUS_SECRET_TTL} seconds
     */
    public Uni<RotatedSecret> rotate(String id, int previousTtl, String actor) {
        if (previousTtl < 0 || previousTtl > MAX_PREVIOUS_SECRET_TTL) {
            return Uni.createFrom().failure(OAuthException.invalidRequest(
                    "previous_secret_ttl must be between 0 and " + MAX_PREVIOUS_SECRET_TTL + " seconds"));
        }
        if (adminClient.isAdminClient(id)) {
            // its secret is KEYFAIR_ADMIN_CLIENT_SECRET, which token-service restores at every start
            return Uni.createFrom().failure(OAuthException.invalidRequest("The bootstrap admin client's secret is set by its configuration"));
        }
        String secret = Secrets.newSecret();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant previousExpiresAt = previousTtl > 0 ? now.plusSeconds(previousTtl) : null;
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        .invoke(client -> {
                            if (!client.metadata().confidential()) {
                                throw OAuthException.invalidRequest("A public client has no secret to rotate");
                            }
                            if (!client.metadata().usesSecret()) {
                                throw OAuthException.invalidRequest("A private_key_jwt client has no secret to rotate: it rotates its keys");
                            }
                        })
                        .call(() -> clients.rotateSecret(tx, id, Secrets.sha256(secret), previousExpiresAt, now)))
                .call(() -> events.changed("client.secret_rotated", id, actor, Map.of("previous_secret_ttl", previousTtl)))
                .map(ignored -> new RotatedSecret(id, secret, previousExpiresAt == null ? null : previousExpiresAt.getEpochSecond()));
    }
}
