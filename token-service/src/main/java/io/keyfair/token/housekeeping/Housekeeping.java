package io.keyfair.token.housekeeping;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Purges what token-service wrote and no longer needs, so no table grows without bound: retired
 * refresh tokens past any reuse check, families long expired or revoked, old audit events, and
 * revocations whose tokens have all expired.
 * Every replica may run it; the deletes are idempotent.
 */
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);

    /** When and what to purge. */
    @ConfigMapping(prefix = "keyfair.housekeeping")
    public interface Config {

        /** How often to purge. */
        @WithDefault("PT10M")
        Duration interval();

        /** How long a retired refresh token is kept to recognise its reuse. */
        @WithDefault("P7D")
        Duration retiredRefreshTokens();

        /** How long an expired or revoked family is kept (for the connection's history). */
        @WithDefault("P30D")
        Duration endedFamilies();

        /** How long audit events are kept. */
        @WithDefault("P90D")
        Duration auditEvents();
    }

    private static final int BATCH = 5_000;

    void onStart(@Observes StartupEvent event, Vertx vertx, Pool pool, Config config) {
        vertx.setPeriodic(config.interval().toMillis(), id -> purge(pool, config).subscribe().with(
                counts -> LOG.debugf("housekeeping purged %s rows", counts),
                e -> LOG.warnf("housekeeping failed: %s", e.getMessage())));
    }

    /** One round: the number of rows purged per statement. */
    static Uni<List<Integer>> purge(Pool pool, Config config) {
        List<String> statements = List.of(
                "delete from refresh_tokens where token_hash in (select token_hash from refresh_tokens where retired_at < now() - make_interval(secs => $1) limit " + BATCH + ")",
                "delete from refresh_families where id in (select id from refresh_families where expires_at < now() - make_interval(secs => $1) or revoked_at < now() - make_interval(secs => $1) limit " + BATCH + ")",
                "delete from audit_events where id in (select id from audit_events where occurred_at < now() - make_interval(secs => $1) limit " + BATCH + ")",
                // a revocation is kept until every token it voids has expired anyway
                "delete from revocations where (kind, subject) in (select kind, subject from revocations where expires_at < now() - make_interval(secs => $1) limit " + BATCH + ")");
        List<Duration> ages = List.of(config.retiredRefreshTokens(), config.endedFamilies(), config.auditEvents(), Duration.ZERO);
        return Multi.createFrom().range(0, statements.size())
                .onItem().transformToUniAndConcatenate(i -> pool.preparedQuery(statements.get(i))
                        .execute(Tuple.of((double) ages.get(i).toSeconds())).map(rows -> rows.rowCount()))
                .collect().asList();
    }
}
