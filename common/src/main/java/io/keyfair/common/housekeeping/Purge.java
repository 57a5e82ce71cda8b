package io.keyfair.common.housekeeping;

import java.time.Duration;

/**
 * One thing a service stops keeping: the rows of {@code table} matching {@code condition}, in
 * batches of {@link Purges#BATCH} picked by {@code key}.
 *
 * @param name what goes, for the log (`retired refresh tokens`)
 * @param key the column, or columns (`kind, subject`), that name a row
 * @param condition which rows go, with `$1` the {@code age} in seconds: `expires_at < now() - make_interval(secs => $1)`
 * @param age how long past its time a row is kept; {@link Duration#ZERO} when it goes at once
 */
public record Purge(String name, String table, String key, String condition, Duration age) {

    /** The delete: one batch, so a large backlog never holds one long transaction. */
    String statement() {
        return "delete from " + table + " where (" + key + ") in (select " + key + " from " + table
                + " where " + condition + " limit " + Purges.BATCH + ")";
    }
}
