package io.keyfair.registry.housekeeping;

import java.time.Duration;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Purges what the registry wrote and no longer needs: client secrets whose overlap window ended
 * and expired initial access tokens. Every replica may run it; the deletes are idempotent.
 */
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    /** When to purge. */
    @ConfigMapping(prefix = "keyfair.registry.housekeeping")
    public interface Config {

        /** How often to purge. */
        @WithDefault("PT10M")
        Duration interval();
    }

    void onStart(@Observes StartupEvent event, Vertx vertx, Pool pool, Config config) {
        vertx.setPeriodic(config.interval().toMillis(), id -> purge(pool).subscribe().with(
                purged -> LOG.debugf("housekeeping purged %d rows", purged),
                e -> LOG.warnf("housekeeping failed: %s", e.getMessage())));
    }

    /** One round: how many rows went. */
    static Uni<Integer> purge(Pool pool) {
        return pool.query("delete from client_secrets where expires_at < now()").execute()
                .flatMap(secrets -> pool.query("delete from initial_access_tokens where expires_at < now()").execute()
                        .map(tokens -> secrets.rowCount() + tokens.rowCount()));
    }
}
