package io.keyfair.registry.connection;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * An admin or an operator ends connections of a client, exactly as the user removing the app
 * would (consent, refresh families and access tokens, a session-revoked event initiated by
 * `admin`), audited as `connection.revoked` by the given actor. The admin API and the console
 * both end connections here.
 */
@ApplicationScoped
public class ConnectionRevocation {

    private final Clients clients;
    private final Connections connections;
    private final RevocationList revocations;
    private final AuditLog audit;

    ConnectionRevocation(Clients clients, Connections connections, RevocationList revocations, AuditLog audit) {
        this.clients = clients;
        this.connections = connections;
        this.revocations = revocations;
        this.audit = audit;
    }

    /** One connection; a missing client or connection is a 404. */
    public Uni<Void> revoke(String clientId, String userId, String actor) {
        if (!Connections.isUserId(userId)) {
            throw OAuthException.notFound("No such connection");
        }
        return clients.require(clientId)
                .flatMap(c -> connections.exists(clientId, userId))
                .flatMap(exists -> {
                    if (!exists) {
                        throw OAuthException.notFound("No such connection");
                    }
                    return remove(clientId, userId, actor, SecurityEvents.newTxn());
                })
                .replaceWithVoid();
    }

    /** Every live connection of the client, one after the other; how many ended. */
    public Uni<Integer> revokeAll(String clientId, String actor) {
        // one change: every app-facing event of it shares one txn
        String txn = SecurityEvents.newTxn();
        return clients.require(clientId)
                .flatMap(c -> connections.liveUsersOf(clientId))
                .flatMap(users -> Multi.createFrom().iterable(users)
                        .onItem().transformToUniAndConcatenate(userId -> remove(clientId, userId, actor, txn))
                        .filter(Boolean::booleanValue)
                        .collect().asList())
                .map(removed -> removed.size());
    }

    private Uni<Boolean> remove(String clientId, String userId, String actor, String txn) {
        return revocations.removeConnection(clientId, userId, Initiator.ADMIN, txn)
                .call(removed -> removed
                        ? audit.record("connection.revoked", clientId, userId, actor, Map.of("by", "admin"))
                        : Uni.createFrom().voidItem());
    }
}
