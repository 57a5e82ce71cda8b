package io.keyfair.common.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.limit.LimitCounter.Kind;
import io.keyfair.common.limit.LimitCounter.RedisCall;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

/**
 * The counting behind the request limits, as two token-service replicas would run it: each
 * {@link LimitCounter} decides from memory, and a flush shares its counts with the others through
 * one Redis step. Time is a clock the test moves, so windows never end in the middle of a test.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LimitCounterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    Vertx vertx;

    private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES)
            .plusSeconds(20));
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private Redis closedPort;

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        private final AtomicLong millis;

        MovableClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @AfterEach
    void closeClient() {
        if (closedPort != null) {
            closedPort.close();
        }
    }

    /** The shared Redis, with every command this replica sends written down. */
    private RedisCall recorded() {
        return (command, args) -> {
            commands.add(command);
            return redis.execute(command, args);
        };
    }

    private LimitCounter replica(RedisCall call) {
        return new LimitCounter(call, keys, MINUTE, Duration.ofHours(1), Duration.ofSeconds(1), clock,
                (clientId, windows) -> Uni.createFrom().voidItem());
    }

    private static String newClientId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String clientInShard(int shard) {
        while (true) {
            String id = newClientId();
            if (RedisKeys.rateShard(id) == shard) {
                return id;
            }
        }
    }

    private long shared(String clientId, Kind kind) {
        var value = redis.execute("GET", keys.requestCount(clientId, kind.bucket, clock.millis() / 60_000)).await().atMost(WAIT);
        return value == null ? 0 : value.toLong();
    }

    private static void flush(LimitCounter... replicas) {
        for (LimitCounter replica : replicas) {
            replica.flush().await().atMost(WAIT);
        }
    }

    @Test
    void aReplicaJoiningAWindowLateReadsItsTotalBeforeAdmittingAnything() {
        String client = newClientId();
        LimitCounter a = replica(recorded());
        LimitCounter b = replica(recorded());
        assertNotNull(a.ready(client, Kind.CLIENT_CREDENTIALS), "the first request of a window waits for its total");
        a.ready(client, Kind.CLIENT_CREDENTIALS).await().atMost(WAIT);
        assertNull(a.ready(client, Kind.CLIENT_CREDENTIALS), "every later request decides in memory");
        for (int i = 0; i < 4; i++) {
            assertEquals(0, a.admit(client, Kind.CLIENT_CREDENTIALS, 5));
        }
        flush(a);

        // b has not flushed anything yet, and still knows that a used 4 of the 5
        b.ready(client, Kind.CLIENT_CREDENTIALS).await().atMost(WAIT);
        assertEquals(0, b.admit(client, Kind.CLIENT_CREDENTIALS, 5));
        assertTrue(b.admit(client, Kind.CLIENT_CREDENTIALS, 5) > 0, "the fifth request of the window was the last");
    }

    @Test
    void twoReplicasTogetherReachTheLimitOnceTheyFlushed() {
        String client = newClientId();
        LimitCounter a = replica(recorded());
        LimitCounter b = replica(recorded());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, a.admit(client, Kind.CLIENT_CREDENTIALS, 5));
        }
        assertEquals(0, b.admit(client, Kind.CLIENT_CREDENTIALS, 5));
        assertEquals(0, b.admit(client, Kind.CLIENT_CREDENTIALS, 5));

        flush(a, b, a);

        assertEquals(5, shared(client, Kind.CLIENT_CREDENTIALS));
        long waitA = a.admit(client, Kind.CLIENT_CREDENTIALS, 5);
        long waitB = b.admit(client, Kind.CLIENT_CREDENTIALS, 5);
        assertEquals(40_000, waitA, "refused until the minute ends");
        assertEquals(40_000, waitB);
        // the other limit of the same client is its own
        assertEquals(0, a.admit(client, Kind.OTHER, 5));
    }

    @Test
    void aNewWindowStartsTheCountAgain() {
        String client = newClientId();
        LimitCounter a = replica(recorded());
        assertEquals(0, a.admit(client, Kind.CLIENT_CREDENTIALS, 1));
        assertTrue(a.admit(client, Kind.CLIENT_CREDENTIALS, 1) > 0);
        clock.advance(MINUTE);
        assertEquals(0, a.admit(client, Kind.CLIENT_CREDENTIALS, 1));
    }

    @Test
    void oneFlushIsOneRedisStepPerShardOfTheClientsThatChanged() {
        LimitCounter a = replica(recorded());
        // three clients of one shard and one of another: two scripts, each over one hash tag
        String first = newClientId();
        List<String> clients = List.of(first, clientInShard(RedisKeys.rateShard(first)),
                clientInShard(RedisKeys.rateShard(first)), clientInShard((RedisKeys.rateShard(first) + 1) % RedisKeys.RATE_SHARDS));
        for (String client : clients) {
            a.admit(client, Kind.CLIENT_CREDENTIALS, 1);
            a.admit(client, Kind.CLIENT_CREDENTIALS, 1); // refused: the excess is recorded by the same step
            a.admit(client, Kind.OTHER, 100);
            a.admit(client, Kind.OTHER, 100);
        }

        flush(a);

        assertEquals(List.of("EVAL", "EVAL"), commands);
        for (String client : clients) {
            assertEquals(1, shared(client, Kind.CLIENT_CREDENTIALS));
            assertEquals(2, shared(client, Kind.OTHER));
            assertEquals(1L, redis.execute("ZCARD", keys.limitExcessMinutes(client)).await().atMost(WAIT).toLong());
        }
        // nothing new: no Redis step at all
        flush(a);
        assertEquals(2, commands.size());
    }

    @Test
    void requestsNeverWaitForRedisAndAreAdmittedWhileItIsUnreachable() {
        String client = newClientId();
        closedPort = Redis.createClient(vertx, "redis://127.0.0.1:1");
        AtomicBoolean down = new AtomicBoolean(true);
        LimitCounter a = replica((command, args) -> {
            if (!down.get()) {
                return redis.execute(command, args);
            }
            Request request = Request.cmd(Command.create(command));
            for (String arg : args) {
                request.arg(arg);
            }
            return closedPort.send(request);
        });

        for (int i = 0; i < 3; i++) {
            assertEquals(0, a.admit(client, Kind.OTHER, 4));
        }
        flush(a); // fails inside, and says nothing
        assertEquals(0, shared(client, Kind.OTHER));
        // still counted here: the limit holds on this replica alone
        assertEquals(3, a.localEstimate(client, Kind.OTHER));
        assertEquals(0, a.admit(client, Kind.OTHER, 4));
        assertTrue(a.admit(client, Kind.OTHER, 4) > 0);

        down.set(false);
        flush(a);
        assertEquals(4, shared(client, Kind.OTHER), "what was counted while Redis was down is shared once it is back");
    }

    @Test
    void aWindowOverTheLimitIsReportedOncePerWindowWithTheWindowsOfTheRuleSpan() {
        String client = newClientId();
        List<Long> reported = new CopyOnWriteArrayList<>();
        LimitCounter a = new LimitCounter(recorded(), keys, MINUTE, Duration.ofMinutes(5), Duration.ofSeconds(1), clock,
                (clientId, windows) -> {
                    reported.add(windows);
                    return Uni.createFrom().voidItem();
                });
        for (int minute = 0; minute < 7; minute++) {
            a.admit(client, Kind.CLIENT_CREDENTIALS, 1);
            a.admit(client, Kind.CLIENT_CREDENTIALS, 1);
            a.admit(client, Kind.OTHER, 1);
            a.admit(client, Kind.OTHER, 1);
            flush(a);
            a.admit(client, Kind.CLIENT_CREDENTIALS, 1);
            flush(a);
            clock.advance(MINUTE);
        }
        // one report per minute (both limits over in it), and only the last five minutes count
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 5L, 5L), reported);
    }
}
