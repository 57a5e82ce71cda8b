package io.keyfair.common.token;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Redis's copy of the `revocations` table, which is the truth. Redis may lose everything at any
 * moment, so the copy is trusted only while the epoch key exists: it is written, without expiry,
 * at the end of a complete rebuild from PostgreSQL, and a Redis that lost its data lost it too.
 * A reader that finds no epoch asks PostgreSQL instead (fail closed) and starts a rebuild.
 *
 * <p>Writers commit to PostgreSQL first and then set the entry here whatever the epoch says, so
 * a rebuild that read the table before the commit cannot leave the entry out. A write that fails
 * deletes the epoch (everyone falls back to PostgreSQL until the next rebuild). A periodic sweep
 * re-applies the latest revocations and checks the epoch, so a failover to a replica that lagged
 * behind is healed within one sweep and a Redis restart is noticed without traffic.
 */
@ApplicationScoped
public class RevocationMirror {

    private static final Logger LOG = Logger.getLogger(RevocationMirror.class);

    /**
     * KEYS = the entries; ARGV = (value, expiry in epoch ms) per key. The keys are declared (and
     * share the `{revoked}` hash tag) so that a Redis Cluster runs the script on their node.
     */
    private static final String APPLY = """
            for i = 1, #KEYS do
              redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PXAT', ARGV[2 * i])
            end
            return #KEYS""";

    /** KEYS = rebuild lock, epoch; ARGV = the lock's token, the new epoch. Only the lock holder finishes. */
    private static final String FINISH = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[2], ARGV[2])
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0""";

    private static final String LIVE = """
            select kind, subject, cutoff_ms, (extract(epoch from expires_at) * 1000)::bigint as expires_ms
              from revocations where expires_at > now()""";

    private static final String RECENT = LIVE + " and updated_at > now() - make_interval(secs => $1)";

    /** Entries per script call while rebuilding. */
    private static final int CHUNK = 500;
    private static final Duration REBUILD_LOCK = Duration.ofSeconds(60);
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(5);
    /** Re-applied by every sweep: far longer than any replica lags. */
    private static final Duration SWEEP_WINDOW = Duration.ofMinutes(2);
    /** The shortest time between two rebuild attempts of one instance. */
    private static final Duration REBUILD_GAP = Duration.ofMillis(250);
    /** How long a Redis step of the mirror may take before the mirror counts as untrusted. */
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

    private final ReactiveRedisDataSource redis;
    private final Pool pool;
    private final RedisKeys keys;
    private final Clock clock;
    private final AtomicBoolean rebuilding = new AtomicBoolean();
    private volatile long nextRebuildNanos;
    private volatile boolean trusted;
    private long sweepTimer = -1;

    RevocationMirror(ReactiveRedisDataSource redis, Pool pool, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.pool = pool;
        this.keys = keys;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        sweepTimer = vertx.setPeriodic(SWEEP_PERIOD.toMillis(), id -> sweep());
        sweep();
    }

    void onStop(@Observes ShutdownEvent event, Vertx vertx) {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
    }

    /** The key whose presence makes the mirror trustworthy; read with every check. */
    String epochKey() {
        return keys.revocationMirrorEpoch();
    }

    /**
     * Whether the mirror may be read: the last check or sweep found the epoch, and Redis answered
     * the sweep in time. Checks ask PostgreSQL while it is false.
     */
    public boolean isTrusted() {
        return trusted;
    }

    /** A check found the epoch present. */
    void confirmed() {
        trusted = true;
    }

    /**
     * A check found no epoch, or Redis did not answer: the mirror is not to be trusted until it
     * is rebuilt. Starts a rebuild in the background, at most one per {@link #REBUILD_GAP} per instance.
     */
    void distrusted() {
        trusted = false;
        long now = System.nanoTime();
        if (now < nextRebuildNanos || !rebuilding.compareAndSet(false, true)) {
            return;
        }
        nextRebuildNanos = now + REBUILD_GAP.toNanos();
        rebuild().flatMap(done -> done ? Uni.createFrom().item(true)
                        // another instance holds the rebuild: trust the mirror as soon as its epoch is there
                        : redis.execute("EXISTS", epochKey()).ifNoItem().after(REDIS_TIMEOUT).fail().map(epoch -> {
                            if (epoch.toInteger() == 1) {
                                trusted = true;
                            }
                            return false;
                        }))
                .eventually(() -> rebuilding.set(false)).subscribe().with(
                done -> {
                    if (done) {
                        LOG.info("revocation mirror rebuilt from PostgreSQL");
                    }
                },
                e -> LOG.warnf("revocation mirror not rebuilt yet: %s", e.getMessage()));
    }

    /**
     * Copies every live revocation into Redis and then writes a new epoch; false when another
     * instance holds the rebuild. Nothing is trusted while it runs.
     */
    public Uni<Boolean> rebuild() {
        String token = Secrets.randomHex(16);
        return redis.execute("SET", keys.revocationMirrorRebuild(), token, "NX", "PX", Long.toString(REBUILD_LOCK.toMillis()))
                .flatMap(locked -> locked == null ? Uni.createFrom().item(false) : copyAll(token));
    }

    private Uni<Boolean> copyAll(String token) {
        return pool.query(LIVE).execute().flatMap(this::applyRows).flatMap(v -> redis.execute("EVAL", FINISH, "2", keys.revocationMirrorRebuild(), epochKey(), token, Secrets.randomHex(8)))
                .map(r -> {
                    boolean finished = r != null && r.toInteger() == 1;
                    if (finished) {
                        trusted = true;
                    }
                    return finished;
                });
    }

    private Uni<Void> applyInChunks(List<String> args, int from) {
        if (from >= args.size()) {
            return Uni.createFrom().voidItem();
        }
        int to = Math.min(args.size(), from + CHUNK * 3);
        List<String> call = new ArrayList<>(to - from + 2);
        call.add(APPLY);
        call.add(Integer.toString((to - from) / 3));
        for (int i = from; i < to; i += 3) {
            call.add(args.get(i));
        }
        for (int i = from; i < to; i += 3) {
            call.add(args.get(i + 1));
            call.add(args.get(i + 2));
        }
        return redis.execute("EVAL", call.toArray(String[]::new)).flatMap(r -> applyInChunks(args, to));
    }

    /**
     * Sets one entry after its revocation was committed to PostgreSQL. Never fails: when Redis
     * refuses or does not answer, the epoch is dropped so that nobody trusts a mirror without it.
     */
    Uni<Void> apply(String key, String value, long expiresAtMillis) {
        if (expiresAtMillis <= clock.millis()) {
            return Uni.createFrom().voidItem();
        }
        return redis.execute("SET", key, value, "PXAT", Long.toString(expiresAtMillis))
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("revocation not mirrored to Redis, distrusting the mirror: %s", e.getMessage());
                    trusted = false;
                    return dropEpoch(5);
                });
    }

    private Uni<Void> dropEpoch(int attemptsLeft) {
        return redis.execute("DEL", epochKey()).ifNoItem().after(REDIS_TIMEOUT).fail().replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    if (attemptsLeft <= 1) {
                        // Redis is unreachable from here; the sweep re-applies the entry once it answers
                        LOG.warnf("cannot reach Redis to distrust the revocation mirror: %s", e.getMessage());
                        return Uni.createFrom().voidItem();
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(200))
                            .flatMap(v -> dropEpoch(attemptsLeft - 1));
                });
    }

    /** One sweep: notices a Redis that lost the epoch, and re-applies recent revocations. */
    private void sweep() {
        redis.execute("SET", keys.revocationMirrorSweep(), "1", "NX", "PX", Long.toString(SWEEP_PERIOD.toMillis() - 500))
                .ifNoItem().after(REDIS_TIMEOUT).fail()
                .flatMap(mine -> redis.execute("EXISTS", epochKey()).ifNoItem().after(REDIS_TIMEOUT).fail().flatMap(epoch -> {
                    if (epoch.toInteger() == 0) {
                        distrusted();
                    } else {
                        trusted = true;
                    }
                    return mine == null ? Uni.createFrom().voidItem() : reapplyRecent();
                }))
                .subscribe().with(v -> {
                }, e -> {
                    trusted = false;
                    LOG.debugf("revocation mirror sweep skipped: %s", e.getMessage());
                });
    }

    private Uni<Void> reapplyRecent() {
        return pool.preparedQuery(RECENT).execute(Tuple.of((double) SWEEP_WINDOW.toSeconds())).flatMap(this::applyRows);
    }

    /** Sets the Redis entry of every row read from the table. */
    private Uni<Void> applyRows(RowSet<Row> rows) {
        List<String> args = new ArrayList<>();
        for (Row row : rows) {
            addEntry(args, row);
        }
        return applyInChunks(args, 0);
    }

    private void addEntry(List<String> args, Row row) {
        String key = keyOf(row.getString("kind"), row.getString("subject"));
        if (key == null) {
            return;
        }
        Long cutoff = row.getLong("cutoff_ms");
        args.add(key);
        args.add(cutoff == null ? "1" : Long.toString(cutoff));
        args.add(Long.toString(row.getLong("expires_ms")));
    }

    /** The Redis key that mirrors a row of the table. */
    String keyOf(String kind, String subject) {
        return switch (kind) {
            case RevocationList.JTI -> keys.revokedAccessToken(subject);
            case RevocationList.GRANT -> keys.revokedGrant(subject);
            case RevocationList.CLIENT -> keys.clientTokensRevokedBefore(subject);
            case RevocationList.USER -> keys.userTokensRevokedBefore(subject);
            case RevocationList.USER_CLIENT -> {
                int colon = subject.indexOf(':');
                yield colon < 0 ? null : keys.userClientTokensRevokedBefore(subject.substring(0, colon), subject.substring(colon + 1));
            }
            default -> null;
        };
    }
}
