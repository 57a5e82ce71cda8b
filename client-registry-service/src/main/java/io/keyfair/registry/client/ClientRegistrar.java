package io.keyfair.registry.client;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.secret.Secrets;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Creates a client from validated metadata, for the admin API and for dynamic registration
 * alike: a fresh client id, and for a confidential client a fresh secret of which only the
 * SHA-256 is stored.
 */
@ApplicationScoped
public class ClientRegistrar {

    private final ClientEvents events;

    ClientRegistrar(ClientEvents events) {
        this.events = events;
    }

    /**
     * @param status `approved` for a dedicated app, `pending` for anything that needs approval
     * @param auditType `client.created` (admin) or `client.registered` (dynamic registration)
     */
    public Uni<RegisteredClient> register(ClientMetadata metadata, ClientStatus status, String auditType, String actor) {
        String clientId = Secrets.newClientId();
        String secret = metadata.confidential() ? Secrets.newSecret() : null;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ClientEntity client = new ClientEntity();
        client.clientId = clientId;
        metadata.applyTo(client);
        client.status = status.value();
        client.createdAt = now;
        client.updatedAt = now;
        return Panache.withTransaction(() -> client.persistAndFlush()
                        .call(() -> secret == null
                                ? Uni.createFrom().voidItem()
                                : ClientSecretEntity.current(clientId, Secrets.sha256(secret), now).persist()))
                .call(() -> events.changed(auditType, clientId, actor, Map.of(
                        "client_name", metadata.clientName(),
                        "app_type", metadata.appType(),
                        "grant_types", String.join(" ", metadata.grantTypes()),
                        "scope", metadata.scope(),
                        "status", client.status)))
                .map(ignored -> new RegisteredClient(ClientView.of(client), secret, secret == null ? null : 0L));
    }
}
