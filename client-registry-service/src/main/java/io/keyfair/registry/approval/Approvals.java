package io.keyfair.registry.approval;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.ClientView;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Approve, reject and suspend a client, one way for every caller: the admin API (actor
 * `admin:<client id>`) and the operator console (actor `operator:<user id>`) get the same
 * security events, audit event and token revocation.
 */
@ApplicationScoped
public class Approvals {

    /** The longest note (the developer reads it as `status_note`). */
    public static final int MAX_NOTE = 2000;

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final RevocationList revocations;
    private final AdminClientConfig adminClient;
    private final Clock clock;

    Approvals(Pool pool, Clients clients, ClientEvents events, RevocationList revocations,
            AdminClientConfig adminClient, Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.revocations = revocations;
        this.adminClient = adminClient;
        this.clock = clock;
    }

    /** Approves (or reinstates) a client; the note goes to the audit event only. */
    public Uni<ClientView> approve(String id, String note, String actor) {
        return apply(Transition.APPROVE, id, note, actor);
    }

    /** Rejects a client; the note becomes its `status_note`. */
    public Uni<ClientView> reject(String id, String note, String actor) {
        return apply(Transition.REJECT, id, note, actor);
    }

    /** Suspends a client: every token of it stops working at once; the note becomes its `status_note`. */
    public Uni<ClientView> suspend(String id, String note, String actor) {
        return apply(Transition.SUSPEND, id, note, actor);
    }

    Uni<ClientView> apply(Transition step, String id, String reason, String actor) {
        if (step != Transition.APPROVE && adminClient.isAdminClient(id)) {
            throw OAuthException.invalidRequest("The bootstrap admin client cannot be " + step.verb);
        }
        Map<String, Object> detail = new HashMap<>();
        // repeating a step is a no-op, so operators and scripts can retry it safely
        AtomicBoolean unchanged = new AtomicBoolean();
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        .flatMap(client -> {
                            ClientStatus from = ClientStatus.of(client.status());
                            if (from == step.target) {
                                unchanged.set(true);
                                return Uni.createFrom().item(client);
                            }
                            if (!step.from.contains(from)) {
                                throw OAuthException.of(OAuthError.CONFLICT,
                                        "A " + from.value() + " client cannot be " + step.verb);
                            }
                            detail.put("from", from.value());
                            // the app hears of it in this transaction, before its connections stop being live
                            return securityEvents(tx, id, from, step, reason)
                                    .flatMap(n -> clients.updateStatus(tx, client, step.target, reason,
                                            clock.instant().truncatedTo(ChronoUnit.MICROS)));
                        })
                        // cut the tokens off before the commit, so a failure leaves them cut off
                        .call(client -> cutsTokens(step, unchanged) ? revocations.revokeAllOfClient(id, "client_suspended") : Uni.createFrom().voidItem()))
                .call(client -> {
                    if (unchanged.get()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (reason != null) {
                        detail.put("reason", reason);
                    }
                    return events.changed(step.auditType(), id, actor, detail);
                })
                // and again once every cache was told, so no token minted from a stale entry survives
                .call(client -> cutsTokens(step, unchanged) ? revocations.revokeAllOfClient(id, "client_suspended") : Uni.createFrom().voidItem());
    }

    /**
     * Suspension: a CAEP session-revoked for every live connection and the stream now `disabled`;
     * reinstatement: the stream `enabled` again (SSF stream-updated).
     */
    private static Uni<Integer> securityEvents(SqlClient tx, String clientId, ClientStatus from, Transition step, String reason) {
        String txn = SecurityEvents.newTxn();
        if (step == Transition.SUSPEND) {
            return SecurityEvents.sessionRevoked(tx, txn, clientId, null, null, Initiator.ADMIN, null)
                    .flatMap(n -> SecurityEvents.streamUpdated(tx, txn, clientId, "disabled",
                            reason != null ? reason : "The app was suspended by an administrator"));
        }
        if (step == Transition.APPROVE && from == ClientStatus.SUSPENDED) {
            return SecurityEvents.streamUpdated(tx, txn, clientId, "enabled", "The app was reinstated");
        }
        return Uni.createFrom().item(0);
    }

    private static boolean cutsTokens(Transition step, AtomicBoolean unchanged) {
        return step == Transition.SUSPEND && !unchanged.get();
    }
}
