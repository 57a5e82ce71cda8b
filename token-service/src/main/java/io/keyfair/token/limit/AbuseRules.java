package io.keyfair.token.limit;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.client.PolicySuspension;
import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The abuse rules that suspend a client automatically through {@link PolicySuspension} (CONTRACT
 * "Errors, limits, bad input"): refresh-token reuse detected {@link AbuseConfig#reuseCount()}
 * times within {@link AbuseConfig#reuseWindow()}, and a request limit exceeded in
 * {@link AbuseConfig#excessMinutes()} separate minutes within {@link AbuseConfig#excessWindow()}
 * (counted by {@link RequestLimits}' own Redis step). Counting is atomic in Redis, so every
 * replica sees the same count. A rule that cannot be counted or applied never changes the
 * answer the client gets: it is logged, and the next occurrence counts again.
 */
@ApplicationScoped
public class AbuseRules {

    private static final Logger LOG = Logger.getLogger(AbuseRules.class);

    static final String REUSE = "refresh_token_reuse";
    static final String EXCESS = "rate_limit_excess";

    /**
     * KEYS[1] = the client's reuses; ARGV[1] = now (epoch ms), ARGV[2] = a member naming this
     * reuse, ARGV[3] = the window in ms. Returns the reuses within the window, this one included.
     */
    private static final String COUNT_REUSE = """
            local now = tonumber(ARGV[1])
            redis.call('ZADD', KEYS[1], now, ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return redis.call('ZCARD', KEYS[1])""";

    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final RedisKeys keys;
    private final AbuseConfig config;
    private final PolicySuspension suspension;

    AbuseRules(ReactiveRedisDataSource redis, RedisKeys keys, AbuseConfig config, PolicySuspension suspension, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.keys = keys;
        this.config = config;
        this.suspension = suspension;
    }

    /**
     * Counts a refresh-token reuse of this client (RFC 9700 §4.14.2) and suspends the client once
     * the rule's count is reached.
     *
     * @param grantId the grant whose token was reused, to tell reuses apart
     */
    public Uni<Void> reuseDetected(String clientId, String grantId) {
        long now = clock.millis();
        return redis.execute("EVAL", COUNT_REUSE, "1", keys.refreshTokenReuses(clientId), Long.toString(now),
                grantId + "@" + now, Long.toString(config.reuseWindow().toMillis()))
                .flatMap(count -> count.toLong() >= config.reuseCount()
                        ? suspend(clientId, REUSE, Map.of("reuse_count", count.toLong(),
                                "window_seconds", config.reuseWindow().toSeconds()))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithUni(e -> logged(clientId, REUSE, e));
    }

    /**
     * The client went over a request limit for the first time this minute.
     *
     * @param excessMinutes the separate minutes it did so within the rule's window, this one included
     */
    Uni<Void> limitExceeded(String clientId, long excessMinutes) {
        if (excessMinutes < config.excessMinutes()) {
            return Uni.createFrom().voidItem();
        }
        return suspend(clientId, EXCESS, Map.of("minutes_over_limit", excessMinutes,
                "window_seconds", config.excessWindow().toSeconds()))
                .onFailure().recoverWithUni(e -> logged(clientId, EXCESS, e));
    }

    private Uni<Void> suspend(String clientId, String rule, Map<String, ?> detail) {
        return suspension.suspend(clientId, rule, detail).replaceWithVoid();
    }

    private static Uni<Void> logged(String clientId, String rule, Throwable e) {
        LOG.warnf("abuse rule %s not applied to client %s: %s", rule, clientId, e.toString());
        return Uni.createFrom().voidItem();
    }
}
