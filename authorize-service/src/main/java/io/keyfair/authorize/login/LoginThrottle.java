package io.keyfair.authorize.login;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Counts failed logins in Redis, per account name and per client address, each counter living
 * for the failure window from its first failure. The account name is counted whether or not
 * such a user exists, so throttling tells nothing about which accounts exist.
 */
@ApplicationScoped
public class LoginThrottle {

    /** KEYS = counters; returns count and remaining milliseconds of each. */
    private static final String READ = """
            local out = {}
            for i, k in ipairs(KEYS) do
              out[#out + 1] = tonumber(redis.call('GET', k) or '0')
              out[#out + 1] = redis.call('PTTL', k)
            end
            return out""";

    /** KEYS = counters, ARGV[1] = window in ms: counts one failure in each. */
    private static final String COUNT = """
            for i, k in ipairs(KEYS) do
              if redis.call('INCR', k) == 1 then
                redis.call('PEXPIRE', k, ARGV[1])
              end
            end
            return 1""";

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final LoginConfig config;

    LoginThrottle(ReactiveRedisDataSource redis, RedisKeys keys, LoginConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    /** How long the caller must wait before trying again, or empty when it may try now. */
    public Uni<Optional<Duration>> blockedFor(String username, String address) {
        return redis.execute("EVAL", READ, "2", accountKey(username), addressKey(address)).map(r -> {
            long wait = Math.max(waitFor(r, 0, config.maxFailuresPerAccount()), waitFor(r, 2, config.maxFailuresPerAddress()));
            return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
        });
    }

    public Uni<Void> recordFailure(String username, String address) {
        return redis.execute("EVAL", COUNT, "2", accountKey(username), addressKey(address),
                Long.toString(config.failureWindow().toMillis())).replaceWithVoid();
    }

    /** A successful login clears the account's count (not the address's). */
    public Uni<Void> reset(String username) {
        return redis.key(String.class).del(accountKey(username)).replaceWithVoid();
    }

    private static long waitFor(Response r, int at, int max) {
        long count = r.get(at).toLong();
        long ttl = r.get(at + 1).toLong();
        if (count < max) {
            return 0;
        }
        return ttl > 0 ? ttl : 1000;
    }

    private String accountKey(String username) {
        return keys.loginFailuresOfAccount(username.toLowerCase(Locale.ROOT));
    }

    private String addressKey(String address) {
        return keys.loginFailuresOfAddress(address);
    }
}
