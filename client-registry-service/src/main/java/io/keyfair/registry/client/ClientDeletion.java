package io.keyfair.registry.client;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.token.RevocationList;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Deletes a client and stops every token of it at once: the one core behind the admin API's
 * `DELETE /admin/clients/{id}` and the developer portal's "Delete this app", audited as
 * `client.deleted` by the given actor.
 */
@ApplicationScoped
public class ClientDeletion {

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final RevocationList revocations;
    private final AdminClientConfig adminClient;

    ClientDeletion(Pool pool, Clients clients, ClientEvents events, RevocationList revocations, AdminClientConfig adminClient) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.revocations = revocations;
        this.adminClient = adminClient;
    }

    /** Fails with `invalid_request` for the bootstrap admin client, and as {@link Clients#requireForUpdate} for an unknown one. */
    public Uni<Void> delete(String id, String actor) {
        if (adminClient.isAdminClient(id)) {
            return Uni.createFrom().failure(OAuthException.invalidRequest("The bootstrap admin client cannot be deleted"));
        }
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        // cut the tokens off before the commit, so a failure leaves them cut off
                        .call(client -> revocations.revokeAllOfClient(id, "client_deleted"))
                        .call(client -> clients.delete(tx, id)))
                .call(client -> events.changed("client.deleted", id, actor, Map.of("client_name", client.metadata().clientName())))
                // and again once every cache was told, so no token minted from a stale entry survives
                .call(() -> revocations.revokeAllOfClient(id, "client_deleted"))
                .replaceWithVoid();
    }
}
