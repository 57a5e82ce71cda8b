package io.keyfair.common.client;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The one place a client is suspended automatically for abuse (CONTRACT "Errors, limits, bad
 * input"): `status: suspended` with `suspended_by: "policy"` and the rule as `suspended_reason`,
 * every token of the client void at once, every service's client cache told, an audit event
 * `client.suspended` with actor `policy`, and the security events (CAEP session-revoked for each
 * live connection, SSF stream-updated `disabled`) in the same transaction as the status change.
 * Only an approved client is suspended, under a row lock, so replicas that trip the same rule
 * together suspend it once; `POST /admin/clients/{id}/approve` reinstates it.
 */
@ApplicationScoped
public class PolicySuspension {

    private static final Logger LOG = Logger.getLogger(PolicySuspension.class);

    public static final String ACTOR = "policy";

    private static final String LOCK_APPROVED = "select 1 from clients where client_id = $1 and status = 'approved' for update";

    private static final String SUSPEND = """
            update clients set status = 'suspended', status_reason = null, suspended_by = 'policy',
                   suspended_reason = $2, updated_at = now()
             where client_id = $1""";

    private final Pool pool;
    private final RevocationList revocations;
    private final ClientChanges changes;
    private final ClientDirectory directory;
    private final AuditLog audit;

    PolicySuspension(Pool pool, RevocationList revocations, ClientChanges changes, ClientDirectory directory, AuditLog audit) {
        this.pool = pool;
        this.revocations = revocations;
        this.changes = changes;
        this.directory = directory;
        this.audit = audit;
    }

    /**
     * Suspends the client if it is approved.
     *
     * @param reason the rule that tripped, a fixed word (`refresh_token_reuse`, `rate_limit_excess`):
     *        the client's `suspended_reason`
     * @param detail what the audit event records beside the reason; never a secret or token
     * @return whether this call suspended it (false: it was not approved, or another replica won)
     */
    public Uni<Boolean> suspend(String clientId, String reason, Map<String, ?> detail) {
        return pool.withTransaction(tx -> suspendIn(tx, clientId, reason)).flatMap(suspended -> {
            if (!suspended) {
                return Uni.createFrom().item(false);
            }
            LOG.infof("client %s suspended by policy: %s", clientId, reason);
            directory.evict(clientId);
            return revocations.revokeAllOfClient(clientId, "client_suspended")
                    .call(() -> changes.publish(clientId))
                    .call(() -> audit.record("client.suspended", clientId, null, ACTOR, auditDetail(reason, detail)))
                    .replaceWith(true);
        });
    }

    /** The status change and its security events, in the caller's transaction; false when not approved. */
    private static Uni<Boolean> suspendIn(SqlConnection tx, String clientId, String reason) {
        String txn = SecurityEvents.newTxn();
        return tx.preparedQuery(LOCK_APPROVED).execute(Tuple.of(clientId)).flatMap(locked -> {
            if (locked.rowCount() == 0) {
                return Uni.createFrom().item(false);
            }
            // session-revoked is written only for an approved client's live connections: before the update
            return SecurityEvents.sessionRevoked(tx, txn, clientId, null, null, Initiator.POLICY, reason)
                    .call(() -> tx.preparedQuery(SUSPEND).execute(Tuple.of(clientId, reason)))
                    .call(() -> SecurityEvents.streamUpdated(tx, txn, clientId, "disabled", reason))
                    .replaceWith(true);
        });
    }

    private static Map<String, Object> auditDetail(String reason, Map<String, ?> detail) {
        Map<String, Object> all = new HashMap<>(detail);
        all.put("reason", reason);
        all.put("suspended_by", ACTOR);
        return all;
    }
}
