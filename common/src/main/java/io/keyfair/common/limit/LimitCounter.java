package io.keyfair.common.limit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import io.keyfair.common.redis.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * One instance's request counts per client, limit kind and fixed window (a minute in service),
 * shared with every other replica through Redis without a round trip per request.
 *
 * <p>A request only touches memory (but the first of a client's window on this instance, which
 * reads the window's total so far once: {@link #ready}): a {@link LongAdder} in a map keyed by client, kind and window.
 * It is admitted while the window's last known total of every replica plus what this instance
 * counted since that total was read stays under the limit, so the decision costs microseconds and
 * never waits on Redis. Every {@link #flush()} (about every 100 ms, {@link RequestLimits}) adds
 * the local counts to the shared counters and reads the totals back in one atomic Redis step per
 * shard of clients (a Lua script over every key of the shard that changed; at most
 * {@link RedisKeys#RATE_SHARDS} scripts, sent together): a shard's keys share a hash tag, so a
 * Redis Cluster runs each script on the one node that holds them. The same step records, for the
 * abuse rule, the windows in which a client was refused. So replicas see each other's requests
 * within a flush interval, and together overshoot a limit by at most what they admit in that
 * interval.
 *
 * <p>Windows are fixed (the epoch divided into whole windows), not sliding: `Retry-After` is the
 * time until the window ends, when the count starts again. When Redis is down or slow, requests
 * are still admitted and counted here (limits fail open; they protect capacity, they are not a
 * security boundary like revocations), and the counts go to Redis with the next flush that works.
 * Refused requests are not counted.
 */
public final class LimitCounter {

    private static final Logger LOG = Logger.getLogger(LimitCounter.class);

    /** The two limits a client has (CONTRACT "Errors, limits, bad input"), named as in Redis keys. */
    public enum Kind {
        CLIENT_CREDENTIALS("cc"), OTHER("other");

        final String bucket;

        Kind(String bucket) {
            this.bucket = bucket;
        }
    }

    /** Sends one Redis command: {@code ReactiveRedisDataSource::execute} in service. */
    @FunctionalInterface
    public interface RedisCall {
        Uni<Response> execute(String command, String... args);
    }

    /** Told when a client went over a limit in a window not reported before. */
    @FunctionalInterface
    public interface ExcessListener {
        /** @param windows separate windows over a limit within the abuse rule's span, this one included */
        Uni<Void> overLimit(String clientId, long windows);
    }

    /**
     * KEYS = the counters that changed, then the excess sets of clients refused in a window not
     * reported yet. ARGV[1] = how many counters, ARGV[2] = counter lifetime in ms, ARGV[3] = the
     * current window, ARGV[4] = windows the abuse rule looks back, ARGV[5] = that span in ms;
     * ARGV[5 + i] = KEYS[i]'s delta (a counter) or its window (an excess set). Returns, per key,
     * the counter's total of every replica or the windows over a limit within the span.
     */
    static final String FLUSH = """
            local n = tonumber(ARGV[1])
            local oldest = tonumber(ARGV[3]) - tonumber(ARGV[4])
            local out = {}
            for i = 1, #KEYS do
              if i <= n then
                out[i] = redis.call('INCRBY', KEYS[i], ARGV[5 + i])
                redis.call('PEXPIRE', KEYS[i], ARGV[2])
              else
                redis.call('ZADD', KEYS[i], ARGV[5 + i], ARGV[5 + i])
                redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', oldest)
                redis.call('PEXPIRE', KEYS[i], ARGV[5])
                out[i] = redis.call('ZCARD', KEYS[i])
              end
            end
            return out""";

    /** How long the first request of a window waits for the shared total before counting from zero. */
    private static final Duration LEARN_TIMEOUT = Duration.ofMillis(200);

    /** A counter outlives its window by this much, so a replica whose clock lags still adds to it. */
    private static final long COUNTER_SLACK_MILLIS = 5_000;

    private record WindowKey(String clientId, Kind kind, long window) {
    }

    /** A client refused in a window, with its windows (one per kind) that refused it. */
    private record Excess(String clientId, long window, List<Window> windows) {
    }

    /** One client's count of one kind in one window, as this instance knows it. */
    public static final class Window {
        /** The window's number: the epoch divided into windows. */
        final long index;
        /** Requests this instance admitted in the window. */
        final LongAdder local = new LongAdder();
        /** The total of every replica Redis last returned. */
        volatile long shared;
        /** How much of {@link #local} that total includes. */
        volatile long acknowledged;
        volatile int limit;
        /** Whether {@link #shared} holds what Redis had when this instance first saw the window. */
        volatile boolean learned;
        /** The read of that first total, shared by every request that waits for it. */
        Uni<Void> learning;
        /** A request was refused: the window counts for the abuse rule. */
        volatile boolean refused;
        // the flusher's own, touched by one flush at a time
        long sent;
        boolean excessReported;

        Window(long index) {
            this.index = index;
        }

        long estimate() {
            return shared + local.sum() - acknowledged;
        }
    }

    private final RedisCall redis;
    private final RedisKeys keys;
    private final long windowMillis;
    private final long ruleWindows;
    private final long ruleMillis;
    private final Clock clock;
    private final Duration flushTimeout;
    private final ExcessListener excess;
    private final Map<WindowKey, Window> windows = new ConcurrentHashMap<>();
    /**
     * Per client, the window of each kind its last request counted in: a request finds its window
     * with one lookup by client id (whose hash the String keeps) instead of building a key. Only a
     * shortcut into {@link #windows}: a stale or missing entry sends the request the long way.
     */
    private final Map<String, AtomicReferenceArray<Window>> current = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    /**
     * @param window the length of one counting window (a minute in service)
     * @param ruleSpan how far back windows over a limit count for the abuse rule
     */
    public LimitCounter(RedisCall redis, RedisKeys keys, Duration window, Duration ruleSpan, Duration flushTimeout, Clock clock,
            ExcessListener excess) {
        this.redis = redis;
        this.keys = keys;
        this.windowMillis = window.toMillis();
        this.ruleWindows = Math.max(1, ruleSpan.toMillis() / windowMillis);
        this.ruleMillis = ruleWindows * windowMillis;
        this.flushTimeout = flushTimeout;
        this.clock = clock;
        this.excess = excess;
    }

    /** The client's window of that kind for the request being decided now. */
    public Window window(String clientId, Kind kind) {
        long index = clock.millis() / windowMillis;
        AtomicReferenceArray<Window> slots = current.get(clientId);
        if (slots != null) {
            Window w = slots.get(kind.ordinal());
            if (w != null && w.index == index) {
                return w;
            }
        }
        Window w = windows.computeIfAbsent(new WindowKey(clientId, kind, index), k -> new Window(index));
        if (slots == null) {
            slots = current.computeIfAbsent(clientId, id -> new AtomicReferenceArray<>(Kind.values().length));
        }
        slots.set(kind.ordinal(), w);
        return w;
    }

    /**
     * Null when the window's shared total is known (every request but the first of a client's
     * window on this instance); otherwise a Uni that completes once it is. The first request of a
     * window reads the total every replica counted so far (one GET, once per client and window),
     * so an instance that joins a window late does not admit a whole limit of its own before its
     * first flush. Redis not answering within {@link #LEARN_TIMEOUT} counts as zero (fail open).
     */
    public Uni<Void> ready(String clientId, Kind kind, Window w) {
        if (w.learned) {
            return null;
        }
        synchronized (w) {
            if (w.learning == null) {
                w.learning = redis.execute("GET", keys.requestCount(clientId, kind.bucket, w.index))
                        .ifNoItem().after(LEARN_TIMEOUT).fail()
                        .onItemOrFailure().invoke((total, e) -> {
                            if (e == null && total != null) {
                                w.shared = total.toLong();
                            }
                            w.learned = true;
                        })
                        .onFailure().recoverWithNull()
                        .replaceWithVoid()
                        .memoize().indefinitely();
            }
            return w.learning;
        }
    }

    /** {@link #ready(String, Kind, Window)} for the client's current window. */
    public Uni<Void> ready(String clientId, Kind kind) {
        return ready(clientId, kind, window(clientId, kind));
    }

    /**
     * Counts one request in the window if the client is under its limit there.
     *
     * @return 0 when admitted; otherwise the milliseconds until the window ends
     */
    public long admit(Window w, int limit) {
        w.limit = limit;
        if (w.estimate() >= limit) {
            w.refused = true;
            return Math.max(1, (w.index + 1) * windowMillis - clock.millis());
        }
        w.local.increment();
        return 0;
    }

    /** {@link #admit(Window, int)} in the client's current window. */
    public long admit(String clientId, Kind kind, int limit) {
        return admit(window(clientId, kind), limit);
    }

    /**
     * Adds what this instance counted since the last flush to the shared counters and reads back
     * every replica's totals, in one Redis step; reports new windows over a limit to the abuse
     * rule. Never fails: when Redis does not answer, the counts stay here for the next flush.
     *
     * @return whether this call flushed: false when another flush was still running, and this one
     *         did nothing
     */
    public Uni<Boolean> flush() {
        if (!flushing.compareAndSet(false, true)) {
            return Uni.createFrom().item(false);
        }
        Collection<Batch> batches;
        try {
            batches = collect(clock.millis() / windowMillis);
        } catch (RuntimeException e) {
            flushing.set(false);
            throw e;
        }
        if (batches.isEmpty()) {
            flushing.set(false);
            return Uni.createFrom().item(true);
        }
        List<Uni<Void>> sent = new ArrayList<>(batches.size());
        for (Batch batch : batches) {
            sent.add(send(batch));
        }
        return Uni.join().all(sent).andCollectFailures()
                .eventually(() -> flushing.set(false))
                .replaceWith(true);
    }

    /** One shard's script; never fails: when Redis does not answer, its counts stay for the next flush. */
    private Uni<Void> send(Batch batch) {
        return redis.execute("EVAL", batch.args())
                .ifNoItem().after(flushTimeout).fail()
                .onItemOrFailure().transformToUni((totals, e) -> {
                    if (e != null) {
                        batch.unsent();
                        LOG.debugf("request counts not shared yet, kept locally: %s", e.toString());
                        return Uni.createFrom().voidItem();
                    }
                    return batch.answered(totals);
                });
    }

    /**
     * The windows to send, one batch per shard that has any; forgets windows that ended and have
     * nothing left to send.
     */
    private Collection<Batch> collect(long current) {
        Map<Integer, Batch> shards = new HashMap<>();
        for (var entry : windows.entrySet()) {
            WindowKey key = entry.getKey();
            Window w = entry.getValue();
            if (key.window() < current - 1) {
                // long over: a count nobody reads any more
                windows.remove(key);
                continue;
            }
            long counted = w.local.sum();
            long delta = counted - w.sent;
            // a window past half its limit is read back even without news, to learn the other replicas'
            // share before this one admits more; one at its limit stays refused until it ends anyway
            long estimate = w.estimate();
            boolean near = key.window() == current && estimate < w.limit && 2 * estimate >= w.limit;
            if (delta > 0 || near) {
                w.sent = counted;
                batchOf(shards, key, current).counter(key, w, delta, counted);
            }
            boolean overLimit = w.refused && !w.excessReported;
            if (overLimit) {
                batchOf(shards, key, current).excess(key, w);
            }
            if (key.window() < current && delta == 0 && !overLimit) {
                windows.remove(key);
            }
        }
        // shortcuts to windows that ended: the client's next request goes the long way
        this.current.values().removeIf(slots -> stale(slots, current));
        return shards.values();
    }

    private Batch batchOf(Map<Integer, Batch> shards, WindowKey key, long current) {
        return shards.computeIfAbsent(RedisKeys.rateShard(key.clientId()), shard -> new Batch(current));
    }

    private static boolean stale(AtomicReferenceArray<Window> slots, long current) {
        for (int i = 0; i < slots.length(); i++) {
            Window w = slots.get(i);
            if (w != null && w.index >= current) {
                return false;
            }
        }
        return true;
    }

    /** The count this instance decides on for the client in the current window. */
    public long localEstimate(String clientId, Kind kind) {
        Window w = windows.get(new WindowKey(clientId, kind, clock.millis() / windowMillis));
        return w == null ? 0 : w.estimate();
    }

    /** The keys and values of one shard's script in a flush, and what to do with Redis's answer. */
    private final class Batch {
        private final long current;
        private final List<String> counterKeys = new ArrayList<>();
        private final List<String> deltas = new ArrayList<>();
        private final List<Window> counted = new ArrayList<>();
        private final List<Long> sentTotals = new ArrayList<>();
        private final List<Long> sentDeltas = new ArrayList<>();
        /** Per client and window over a limit (keyed `client@window`), the windows of both kinds it covers. */
        private final Map<String, Excess> excesses = new LinkedHashMap<>();

        Batch(long current) {
            this.current = current;
        }

        void counter(WindowKey key, Window w, long delta, long total) {
            counterKeys.add(keys.requestCount(key.clientId(), key.kind().bucket, key.window()));
            deltas.add(Long.toString(delta));
            counted.add(w);
            sentTotals.add(total);
            sentDeltas.add(delta);
        }

        void excess(WindowKey key, Window w) {
            excesses.computeIfAbsent(key.clientId() + "@" + key.window(), id -> new Excess(key.clientId(), key.window(),
                    new ArrayList<>())).windows().add(w);
        }

        String[] args() {
            int n = counterKeys.size();
            int k = n + excesses.size();
            List<String> args = new ArrayList<>(2 + 2 * k + 5);
            args.add(FLUSH);
            args.add(Integer.toString(k));
            args.addAll(counterKeys);
            for (Excess e : excesses.values()) {
                args.add(keys.limitExcessMinutes(e.clientId()));
            }
            args.add(Integer.toString(n));
            args.add(Long.toString(windowMillis + COUNTER_SLACK_MILLIS));
            args.add(Long.toString(current));
            args.add(Long.toString(ruleWindows));
            args.add(Long.toString(ruleMillis));
            args.addAll(deltas);
            for (Excess e : excesses.values()) {
                args.add(Long.toString(e.window()));
            }
            return args.toArray(String[]::new);
        }

        /** Redis did not answer: what was sent goes again with the next flush. */
        void unsent() {
            for (int i = 0; i < counted.size(); i++) {
                counted.get(i).sent -= sentDeltas.get(i);
            }
        }

        /** Redis answered: the new totals, and the abuse rule told of new windows over a limit. */
        Uni<Void> answered(Response totals) {
            for (int i = 0; i < counted.size(); i++) {
                Window w = counted.get(i);
                // the total first: a reader between the two writes counts this flush twice, never zero times
                w.shared = totals.get(i).toLong();
                w.acknowledged = sentTotals.get(i);
            }
            List<Uni<Void>> reports = new ArrayList<>();
            int i = counted.size();
            for (Excess e : excesses.values()) {
                long overWindows = totals.get(i++).toLong();
                e.windows().forEach(w -> w.excessReported = true);
                reports.add(excess.overLimit(e.clientId(), overWindows).onFailure().recoverWithNull());
            }
            return reports.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(reports).andCollectFailures().replaceWithVoid();
        }
    }
}
