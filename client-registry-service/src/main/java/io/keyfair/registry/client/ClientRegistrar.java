package io.keyfair.registry.client;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.ssf.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Creates a client from validated metadata, for the admin API and for dynamic registration
 * alike: a fresh client id, and for a confidential client a fresh secret of which only the
 * SHA-256 is stored. A client with an `events_uri` gets its SSF push stream in the same transaction.
 */
@ApplicationScoped
public class ClientRegistrar {

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final Streams streams;
    private final Clock clock;

    ClientRegistrar(Pool pool, Clients clients, ClientEvents events, Streams streams, Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.streams = streams;
        this.clock = clock;
    }

    /**
     * @param status `approved` for a dedicated app, `pending` for anything that needs approval
     * @param auditType `client.created` (admin) or `client.registered` (dynamic registration)
     */
    public Uni<RegisteredClient> register(ClientMetadata metadata, ClientStatus status, String auditType, String actor) {
        String clientId = Secrets.newClientId();
        // a private_key_jwt client proves itself with its keys (RFC 7523) and has no secret
        String secret = metadata.usesSecret() ? Secrets.newSecret() : null;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        byte[] secretHash = secret == null ? null : Secrets.sha256(secret);
        // an events_uri is a push stream from the start, committed with the client
        return pool.withTransaction(tx -> clients.insert(tx, clientId, metadata, status, secretHash, now)
                        .call(() -> streams.followEventsUri(tx, clientId, null, metadata.eventsUri())))
                .call(() -> events.changed(auditType, clientId, actor, Map.of(
                        "client_name", metadata.clientName(),
                        "app_type", metadata.appType(),
                        "grant_types", String.join(" ", metadata.grantTypes()),
                        "scope", metadata.scope(),
                        "status", status.value())))
                .map(client -> new RegisteredClient(client, secret, secret == null ? null : 0L));
    }
}
