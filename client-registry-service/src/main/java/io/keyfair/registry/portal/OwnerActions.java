package io.keyfair.registry.portal;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientDeletion;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.ClientUpdate;
import io.keyfair.registry.client.ClientView;
import io.keyfair.registry.client.Clients;
import io.keyfair.registry.secret.RotatedSecret;
import io.keyfair.registry.secret.SecretRotation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What the owner of an app may do to it from the app page, through the same cores as the admin
 * API ({@link SecretRotation}, {@link ClientUpdate}, {@link ClientDeletion}) so the page and the
 * API refuse and audit alike; every action is audited with the actor `user:<id>`. Each one first
 * checks that the user owns the app and answers "no such app" otherwise, so another user's app
 * looks exactly like a missing one.
 */
@ApplicationScoped
public class OwnerActions {

    /** Longest reinstatement message kept. */
    static final int MAX_MESSAGE = 2000;

    /** An app as its page shows it. */
    public record AppDetails(ClientView client, Map<String, Long> connections, Suspension suspension) {
    }

    /**
     * Why and since when an app is suspended, and from when its developer may ask for reinstatement.
     *
     * @param by `admin` or `policy`
     */
    public record Suspension(String reason, String by, Instant since, Instant requestFrom, boolean mayRequest) {
    }

    private final Pool pool;
    private final OwnedApps owned;
    private final Clients clients;
    private final Connections connections;
    private final SecretRotation rotation;
    private final ClientUpdate update;
    private final ClientDeletion deletion;
    private final ClientEvents events;
    private final PortalConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;

    OwnerActions(Pool pool, OwnedApps owned, Clients clients, Connections connections, SecretRotation rotation,
            ClientUpdate update, ClientDeletion deletion, ClientEvents events, PortalConfig config, ObjectMapper mapper,
            Clock clock) {
        this.pool = pool;
        this.owned = owned;
        this.clients = clients;
        this.connections = connections;
        this.rotation = rotation;
        this.update = update;
        this.deletion = deletion;
        this.events = events;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The app with its connections by state and, when suspended, its suspension; empty unless the user owns it. */
    public Uni<Optional<AppDetails>> details(UUID owner, String clientId) {
        return owning(owner, clientId, () -> clients.require(clientId)
                .flatMap(client -> Uni.combine().all().unis(connections.countByStateOf(clientId), suspension(client)).asTuple()
                        .map(t -> new AppDetails(client, t.getItem1(), t.getItem2()))));
    }

    /** A new secret, shown once; the previous one works {@code previousTtl} more seconds. */
    public Uni<Optional<RotatedSecret>> rotate(UUID owner, String clientId, int previousTtl) {
        return owning(owner, clientId, () -> rotation.rotate(clientId, previousTtl, actor(owner)));
    }

    /**
     * The edit form applied; a third-party app whose redirect URIs or scope changed goes back to
     * `pending` review, a dedicated app stays approved. Registry errors fail as {@link OAuthException}.
     */
    public Uni<Optional<ClientUpdate.Updated>> edit(UUID owner, String clientId, AppEditForm form) {
        return owning(owner, clientId, () -> update.patch(clientId, form.patch(mapper), actor(owner), true));
    }

    /** Deletes the app; its tokens stop working at once. False unless the user owned it. */
    public Uni<Boolean> delete(UUID owner, String clientId) {
        return owning(owner, clientId, () -> deletion.delete(clientId, actor(owner)).replaceWith(true))
                .map(Optional::isPresent);
    }

    /**
     * Puts a suspended app back in the review queue (`pending`) with the developer's message,
     * audited `client.reinstatement_requested`: only once the cool-off has passed, for a policy
     * or an admin suspension alike. Fails with `invalid_request` before then, with `conflict`
     * for an app that is not suspended.
     */
    public Uni<Optional<ClientView>> requestReinstatement(UUID owner, String clientId, String message) {
        String text = message == null ? "" : message.strip();
        if (text.isEmpty()) {
            return Uni.createFrom().failure(OAuthException.invalidRequest("Tell the operators what you changed"));
        }
        if (text.length() > MAX_MESSAGE) {
            return Uni.createFrom().failure(OAuthException.invalidRequest("Keep the message under " + MAX_MESSAGE + " characters"));
        }
        return owning(owner, clientId, () -> pool.withTransaction(tx -> clients.requireForUpdate(tx, clientId)
                        .flatMap(client -> suspension(client).flatMap(suspension -> {
                            if (suspension == null) {
                                throw OAuthException.of(OAuthError.CONFLICT, "Only a suspended app can ask for reinstatement");
                            }
                            if (!suspension.mayRequest()) {
                                throw OAuthException.invalidRequest("You may ask for reinstatement from " + suspension.requestFrom());
                            }
                            return clients.updateStatus(tx, client, ClientStatus.PENDING, null,
                                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
                        })))
                .call(client -> events.changed("client.reinstatement_requested", clientId, actor(owner),
                        Map.of("message", text, "from", "suspended"))));
    }

    /** Null unless the app is suspended; the suspension's time is its latest `client.suspended` audit event, else its last update. */
    private Uni<Suspension> suspension(ClientView client) {
        if (!ClientStatus.SUSPENDED.value().equals(client.status())) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("select max(occurred_at) as at from audit_events where client_id = $1 and type = 'client.suspended'")
                .execute(Tuple.of(client.clientId()))
                .map(rows -> {
                    OffsetDateTime at = rows.iterator().next().getOffsetDateTime("at");
                    Instant since = at != null ? at.toInstant() : Instant.ofEpochSecond(client.updatedAt());
                    Instant from = ReinstatementCoolOff.allowedFrom(since, config.reinstatementCoolOff());
                    String reason = client.suspendedReason() != null ? client.suspendedReason() : client.statusNote();
                    return new Suspension(reason, client.suspendedBy(), since, from, !clock.instant().isBefore(from));
                });
    }

    private <T> Uni<Optional<T>> owning(UUID owner, String clientId, java.util.function.Supplier<Uni<T>> action) {
        return owned.owns(owner, clientId)
                .flatMap(owns -> owns ? action.get().map(Optional::ofNullable) : Uni.createFrom().item(Optional.<T>empty()));
    }

    static String actor(UUID owner) {
        return "user:" + owner;
    }
}
