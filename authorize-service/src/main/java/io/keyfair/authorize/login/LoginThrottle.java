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
 * Counts login attempts in Redis before the password is checked, in one atomic step for every
 * counter, so parallel attempts cannot slip past a limit while their passwords are being hashed:
 * an attempt over a limit is refused without checking the password at all.
 * <ul>
 * <li>Per account name and client address: the first
 * {@link LoginConfig#maxFailuresPerAccountAndAddress()} attempts go through; after that the pair
 * waits {@link LoginConfig#firstDelay()} before its next attempt, twice as long after each further
 * failure, up to {@link LoginConfig#maxDelay()}. Attempts refused while waiting are not counted,
 * so the `Retry-After` the user sees holds. A successful login clears the pair.</li>
 * <li>Per client address, every account together: at most
 * {@link LoginConfig#maxFailuresPerAddress()} within {@link LoginConfig#failureWindow()} from the
 * first. A successful login gives its attempt back, so the count is of failures: users behind one
 * NAT signing in do not throttle each other.</li>
 * </ul>
 * There is deliberately no counter per account alone: whatever its limit, failures from anywhere
 * would then lock the real user out, which is the attack the pair counter exists to stop.
 * Guessing one account from many addresses is slowed by each address's own pair and address
 * limits. The account name is counted whether or not such a user exists, so throttling tells
 * nothing about which accounts exist. Times come from the Redis clock, shared by every replica.
 */
@ApplicationScoped
public class LoginThrottle {

    /**
     * KEYS[1] = the pair (hash: `failures`, `wait_until` epoch ms), KEYS[2] = the address counter;
     * ARGV = pair limit, first delay ms, max delay ms, address limit, window ms. Returns 0 when
     * the attempt is counted and may go on, else the milliseconds to wait.
     */
    private static final String ADMIT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
            local waitUntil = tonumber(redis.call('HGET', KEYS[1], 'wait_until') or '0')
            if failures >= limit and now < waitUntil then
              return waitUntil - now
            end
            local fromAddress = redis.call('INCR', KEYS[2])
            if fromAddress == 1 then
              redis.call('PEXPIRE', KEYS[2], ARGV[5])
            end
            if fromAddress > tonumber(ARGV[4]) then
              local ttl = redis.call('PTTL', KEYS[2])
              if ttl > 0 then return ttl end
              return 1000
            end
            failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
            local delay = 0
            if failures >= limit then
              delay = math.floor(math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (failures - limit)))
              redis.call('HSET', KEYS[1], 'wait_until', now + delay)
            end
            redis.call('PEXPIRE', KEYS[1], delay + tonumber(ARGV[5]))
            return 0""";

    /** KEYS[1] = the pair, KEYS[2] = the address counter: the attempt was a success, not a failure. */
    private static final String SUCCEEDED = """
            redis.call('DEL', KEYS[1])
            if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
              redis.call('DECR', KEYS[2])
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

    /**
     * Counts an attempt as a failure until {@link #succeeded} says otherwise. Empty when the
     * password may be checked now; else how long the caller must wait, and nothing was counted
     * against the pair.
     */
    public Uni<Optional<Duration>> admit(String username, String address) {
        return redis.execute("EVAL", ADMIT, "2", pairKey(username, address), addressKey(address),
                Integer.toString(config.maxFailuresPerAccountAndAddress()), Long.toString(config.firstDelay().toMillis()),
                Long.toString(config.maxDelay().toMillis()), Integer.toString(config.maxFailuresPerAddress()),
                Long.toString(config.failureWindow().toMillis()))
                .map(LoginThrottle::waitOf);
    }

    /** A successful login clears the pair's failures and gives the address its attempt back. */
    public Uni<Void> succeeded(String username, String address) {
        return redis.execute("EVAL", SUCCEEDED, "2", pairKey(username, address), addressKey(address)).replaceWithVoid();
    }

    private static Optional<Duration> waitOf(Response r) {
        long wait = r.toLong();
        return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
    }

    private String pairKey(String username, String address) {
        return keys.loginFailuresOfAccountAtAddress(username.toLowerCase(Locale.ROOT), address);
    }

    private String addressKey(String address) {
        return keys.loginFailuresOfAddress(address);
    }
}
