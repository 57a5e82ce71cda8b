package io.keyfair.token.limit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.token.clientauth.AuthenticatedClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Request limits per client and minute at the token, revocation and introspection endpoints,
 * applied after the client authenticated (CONTRACT "Errors, limits, bad input"). Every request is
 * one atomic Redis step (a script, sent by its digest) that counts it in a fixed window of the
 * current minute, shared by every replica; the first request over the limit in a minute also
 * records that minute for the abuse rule ({@link AbuseRules}). Over the limit: 429 `rate_limited`
 * with `Retry-After` until the minute ends. Redis that does not answer in time lets the request
 * through: the limits protect capacity, and availability wins over them.
 */
@ApplicationScoped
public class RequestLimits {

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);

    /** The endpoints a limit applies to, as the `endpoint` label of `keyfair_rate_limited_total`. */
    public enum Endpoint {
        TOKEN("token"), REVOKE("revoke"), INTROSPECT("introspect");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    private static final long MINUTE_MILLIS = 60_000;

    /** A counter outlives its minute by this much, so a replica whose clock lags still finds it. */
    private static final long COUNTER_SLACK_MILLIS = 5_000;

    /**
     * KEYS[1] = the minute's counter, KEYS[2] = the client's minutes over a limit; ARGV[1] = limit,
     * ARGV[2] = counter lifetime in ms, ARGV[3] = this minute, ARGV[4] = minutes the abuse rule
     * looks back, ARGV[5] = that window in ms. Returns {count, minutes over a limit in the abuse
     * window}, the second only for the first request over the limit in this minute (else 0).
     */
    static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            local limit = tonumber(ARGV[1])
            if n ~= limit + 1 then return {n, 0} end
            local minute = tonumber(ARGV[3])
            redis.call('ZADD', KEYS[2], minute, ARGV[3])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', minute - tonumber(ARGV[4]))
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            return {n, redis.call('ZCARD', KEYS[2])}""";

    private static final String COUNT_SHA = sha1(COUNT);

    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final RedisKeys keys;
    private final RequestLimitConfig config;
    private final AbuseRules abuse;
    private final Map<Endpoint, Counter> limited = new EnumMap<>(Endpoint.class);
    private final String excessWindowMinutes;
    private final String excessWindowMillis;

    RequestLimits(ReactiveRedisDataSource redis, RedisKeys keys, RequestLimitConfig config, AbuseConfig abuseConfig,
            AbuseRules abuse, MeterRegistry metrics, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.keys = keys;
        this.config = config;
        this.abuse = abuse;
        for (Endpoint e : Endpoint.values()) {
            limited.put(e, Counter.builder("keyfair.rate.limited")
                    .description("Requests refused because their client was over its request limit")
                    .tag("endpoint", e.label).register(metrics));
        }
        long windowMinutes = Math.max(1, abuseConfig.excessWindow().toMinutes());
        this.excessWindowMinutes = Long.toString(windowMinutes);
        this.excessWindowMillis = Long.toString(windowMinutes * MINUTE_MILLIS);
    }

    /**
     * Counts one request of an authenticated client; fails with 429 `rate_limited` when the
     * client is over its limit for this minute.
     *
     * @param grantType the token request's `grant_type`, or null at revocation and introspection
     */
    public Uni<Void> admit(AuthenticatedClient authenticated, Endpoint endpoint, String grantType) {
        ClientRecord client = authenticated.client();
        boolean cc = endpoint == Endpoint.TOKEN && "client_credentials".equals(grantType);
        int limit = cc ? limitOr(client.rateLimits().clientCredentials(), config.clientCredentialsPerMinute())
                : limitOr(client.rateLimits().other(), config.otherPerMinute());
        long now = clock.millis();
        long minute = now / MINUTE_MILLIS;
        long windowLeft = (minute + 1) * MINUTE_MILLIS - now;
        String counter = keys.requestCount(client.clientId(), cc ? "cc" : "other", minute);
        String[] args = {COUNT_SHA, "2", counter, keys.limitExcessMinutes(client.clientId()), Integer.toString(limit),
                Long.toString(windowLeft + COUNTER_SLACK_MILLIS), Long.toString(minute), excessWindowMinutes, excessWindowMillis};
        return count(args)
                .ifNoItem().after(config.redisTimeout()).fail()
                .onItemOrFailure().transformToUni((r, e) -> {
                    if (e != null) {
                        LOG.debugf("request limit not counted, request let through: %s", e.toString());
                        return Uni.createFrom().voidItem();
                    }
                    long n = r.get(0).toLong();
                    if (n <= limit) {
                        return Uni.createFrom().voidItem();
                    }
                    limited.get(endpoint).increment();
                    long excessMinutes = r.get(1).toLong();
                    Uni<Void> rule = excessMinutes > 0 ? abuse.limitExceeded(client.clientId(), excessMinutes) : Uni.createFrom().voidItem();
                    OAuthException refused = OAuthException.rateLimited(Duration.ofMillis(windowLeft))
                            .withDetail("request limit " + limit + " per minute reached (" + (cc ? "client_credentials" : "other") + ")");
                    return rule.onItemOrFailure().transformToUni((v, ignored) -> Uni.createFrom().failure(refused));
                });
    }

    /**
     * The script by its digest ({@code args[0]}); the script itself after Redis forgot it (a
     * restart, SCRIPT FLUSH), which also makes Redis remember it again.
     */
    private Uni<Response> count(String[] args) {
        return redis.execute("EVALSHA", args).onFailure(RequestLimits::noScript).recoverWithUni(() -> {
            args[0] = COUNT;
            return redis.execute("EVAL", args);
        });
    }

    private static boolean noScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT");
    }

    private static int limitOr(Integer override, int configured) {
        return override != null ? override : configured;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
