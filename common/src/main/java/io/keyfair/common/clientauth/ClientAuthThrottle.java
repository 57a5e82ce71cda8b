package io.keyfair.common.clientauth;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Counts failed client authentications in Redis per client id and client address, shared by every
 * replica. Each failure is one atomic step that increments the counter and starts its window on
 * the first failure, so parallel wrong secrets cannot slip past the limit between a read and a
 * write.
 */
@ApplicationScoped
public class ClientAuthThrottle {

    /**
     * KEYS[1] = counter, ARGV[1] = window in ms: counts one failure; returns the count and the
     * milliseconds left in the window. A counter without expiry (never left by this script, but
     * cheap to repair) gets one, so it cannot block forever.
     */
    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
              ttl = tonumber(ARGV[1])
            end
            return {n, ttl}""";

    /**
     * Failures counted so far in the current window.
     *
     * @param failures the count including this failure
     * @param windowLeft how long until the window ends and the count starts over
     */
    public record Counted(long failures, Duration windowLeft) {
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final ClientAuthConfig config;

    ClientAuthThrottle(ReactiveRedisDataSource redis, RedisKeys keys, ClientAuthConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    /** Counts one failure and says where the window stands. */
    public Uni<Counted> recordFailure(String clientId, String address) {
        return redis.execute("EVAL", COUNT, "1", keys.clientAuthFailures(clientId, address),
                Long.toString(config.failureWindow().toMillis()))
                .map(ClientAuthThrottle::counted)
                .onFailure().transform(ClientAuthThrottle::unavailable);
    }

    /**
     * Without its count the throttle cannot tell a client from a guesser, and letting everyone
     * through would make a flood that exhausts Redis a way around it: the client retries later.
     */
    private static OAuthException unavailable(Throwable e) {
        return OAuthException.of(OAuthError.TEMPORARILY_UNAVAILABLE, "Client authentication is unavailable; retry shortly")
                .withDetail("client-auth throttle unreachable: " + e);
    }

    /** The count at which the throttle trips: the first failure past the limit. */
    public long trippingCount() {
        return config.maxFailures() + 1L;
    }

    public boolean overLimit(Counted counted) {
        return counted.failures() > config.maxFailures();
    }

    private static Counted counted(Response r) {
        return new Counted(r.get(0).toLong(), Duration.ofMillis(Math.max(1, r.get(1).toLong())));
    }
}
