package io.keyfair.common.audit;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Append-only audit trail in PostgreSQL. Callers pass ids and reasons only: never a secret, a
 * code or a token.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    private static final String INSERT =
            "insert into audit_events (service, type, client_id, user_id, actor, detail) values ($1, $2, $3, $4, $5, $6)";

    private final Pool pool;
    private final String service;

    AuditLog(Pool pool, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.pool = pool;
        this.service = service;
    }

    /**
     * Records an event.
     *
     * @param type what happened, dotted: `client.approved`, `token.invalid_client`, …
     * @param actor who did it (the admin client's id, a user id), when not the subject itself
     */
    public Uni<Void> record(String type, String clientId, String userId, String actor, Map<String, ?> detail) {
        JsonObject json = detail == null || detail.isEmpty() ? null : new JsonObject(Map.copyOf(detail));
        return pool.preparedQuery(INSERT).execute(Tuple.of(service, type, clientId, userId, actor, json))
                .replaceWithVoid();
    }

    /**
     * Records a failure without making the caller wait or fail on it: the client's answer must
     * not depend on the audit table, but a lost event is logged. The log line shows the values
     * through {@link LogSafe}, since the client id and the detail may be what a request sent.
     */
    public void recordFailure(String type, String clientId, String userId, Map<String, ?> detail) {
        LOG.infof("%s client=%s user=%s %s", type, LogSafe.of(clientId), LogSafe.of(userId),
                detail == null ? "" : LogSafe.of(detail));
        record(type, clientId, userId, null, detail).subscribe().with(
                ok -> {
                },
                e -> LOG.warnf("audit event %s not written: %s", type, LogSafe.of(e.getMessage())));
    }
}
