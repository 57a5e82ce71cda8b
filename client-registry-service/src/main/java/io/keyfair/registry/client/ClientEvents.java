package io.keyfair.registry.client;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientChanges;
import io.smallrye.mutiny.Uni;

/**
 * What follows every committed change to a client: an audit event, then the client's id on the
 * change channel so every service's cache drops it at once. The change is already committed, so
 * a failure here is logged rather than turned into an error the caller would retry.
 */
@ApplicationScoped
public class ClientEvents {

    private static final Logger LOG = Logger.getLogger(ClientEvents.class);

    private final AuditLog audit;
    private final ClientChanges changes;

    ClientEvents(AuditLog audit, ClientChanges changes) {
        this.audit = audit;
        this.changes = changes;
    }

    /**
     * @param type `client.created`, `client.updated`, … (never a secret in {@code detail})
     * @param actor the admin client's id, or `initial_access_token` for dynamic registration
     */
    public Uni<Void> changed(String type, String clientId, String actor, Map<String, ?> detail) {
        return audit.record(type, clientId, null, actor, detail)
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf("audit event %s for client %s not written: %s", type, clientId, e.getMessage());
                    return null;
                })
                .call(() -> changes.publish(clientId).onFailure().recoverWithItem(e -> {
                    // the directory's TTL still drops the stale entry
                    LOG.warnf("change of client %s not published: %s", clientId, e.getMessage());
                    return null;
                }));
    }
}
