package io.keyfair.common.housekeeping;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Housekeeping for every service: each names the {@link Purge}s of the tables it writes, so no
 * table grows without bound, and they run here one after another every interval. Every replica
 * may run them; the deletes are idempotent.
 */
@ApplicationScoped
public class Purges {

    private static final Logger LOG = Logger.getLogger(Purges.class);

    /** Rows one purge deletes per round at most. */
    public static final int BATCH = 5_000;

    private final Vertx vertx;
    private final Pool pool;

    Purges(Vertx vertx, Pool pool) {
        this.vertx = vertx;
        this.pool = pool;
    }

    /** Runs the purges every {@code interval}, from now on. */
    public void every(Duration interval, List<Purge> purges) {
        vertx.setPeriodic(interval.toMillis(), id -> run(purges).subscribe().with(
                counts -> LOG.debugf("housekeeping purged %s", counts),
                e -> LOG.warnf("housekeeping failed: %s", e.getMessage())));
    }

    /** One round: the rows each purge deleted, by its name, in order. */
    public Uni<Map<String, Integer>> run(List<Purge> purges) {
        return Multi.createFrom().iterable(purges)
                .onItem().transformToUniAndConcatenate(purge -> pool.preparedQuery(purge.statement())
                        .execute(Tuple.of((double) purge.age().toSeconds()))
                        .map(rows -> Map.entry(purge.name(), rows.rowCount())))
                .collect().<Map<String, Integer>>in(LinkedHashMap::new, (counts, purged) -> counts.put(purged.getKey(), purged.getValue()));
    }
}
