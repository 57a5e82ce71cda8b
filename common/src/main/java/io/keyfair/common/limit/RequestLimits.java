package io.keyfair.common.limit;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.limit.LimitCounter.Kind;
import io.keyfair.common.limit.LimitCounter.Window;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Request limits per client and minute at the token, revocation and introspection endpoints,
 * applied after the client authenticated (CONTRACT "Errors, limits, bad input"), so failed
 * authentication (throttled by common's `clientauth/ClientAuthThrottle`) never counts.
 * `client_credentials` token requests count against one limit, every other request against the
 * other; a client's `rate_limits` replace the configured defaults. Over the limit: 429
 * `rate_limited` with `Retry-After` until the minute ends.
 *
 * <p>The decision is made in memory ({@link LimitCounter}); a timer flushes the counts to Redis
 * every {@link RequestLimitConfig#flushInterval()}, so the limits hold across every replica
 * without a Redis round trip per request.
 */
@ApplicationScoped
public class RequestLimits {

    /** The endpoints a limit applies to, as the `endpoint` label of `keyfair_rate_limited_total`. */
    public enum Endpoint {
        TOKEN("token"), PAR("par"), REVOKE("revoke"), INTROSPECT("introspect");

        final String label;

        Endpoint(String label) {
            this.label = label;
        }
    }

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static final Uni<Void> ADMITTED = Uni.createFrom().voidItem();

    private final LimitCounter counter;
    private final RequestLimitConfig config;
    private final Map<Endpoint, Counter> limited = new EnumMap<>(Endpoint.class);
    private long flushTimer = -1;

    RequestLimits(ReactiveRedisDataSource redis, RedisKeys keys, RequestLimitConfig config, AbuseConfig abuseConfig,
            AbuseRules abuse, MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.counter = new LimitCounter(redis::execute, keys, MINUTE, abuseConfig.excessWindow(), config.flushTimeout(), clock,
                abuse::limitExceeded);
        for (Endpoint e : Endpoint.values()) {
            limited.put(e, Counter.builder("keyfair.rate.limited")
                    .description("Requests refused because their client was over its request limit")
                    .tag("endpoint", e.label).register(metrics));
        }
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        flushTimer = vertx.setPeriodic(config.flushInterval().toMillis(), id -> counter.flush().subscribe().with(
                flushed -> { }, e -> LOG.warnf("request counts not flushed: %s", e.toString())));
    }

    void onStop(@Observes ShutdownEvent event, Vertx vertx) {
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
    }

    /**
     * Counts one request of an authenticated client, or refuses it with 429 `rate_limited` when
     * the client is over its limit for this minute. Memory only, no timer: the Uni is complete at
     * once, but for the first request of a client's minute on this instance (see
     * {@link LimitCounter#ready}).
     *
     * @param grantType the token request's `grant_type`, or null at revocation and introspection
     * @return fails with OAuthException `rate_limited`, with `Retry-After`
     */
    public Uni<Void> admit(AuthenticatedClient authenticated, Endpoint endpoint, String grantType) {
        ClientRecord client = authenticated.client();
        boolean cc = endpoint == Endpoint.TOKEN && "client_credentials".equals(grantType);
        Kind kind = cc ? Kind.CLIENT_CREDENTIALS : Kind.OTHER;
        Window window = counter.window(client.clientId(), kind);
        Uni<Void> ready = counter.ready(client.clientId(), kind, window);
        if (ready == null) {
            decide(client, endpoint, cc, window);
            return ADMITTED;
        }
        return ready.invoke(() -> decide(client, endpoint, cc, window));
    }

    private void decide(ClientRecord client, Endpoint endpoint, boolean cc, Window window) {
        int limit = cc ? limitOr(client.rateLimits().clientCredentials(), config.clientCredentialsPerMinute())
                : limitOr(client.rateLimits().other(), config.otherPerMinute());
        long wait = counter.admit(window, limit);
        if (wait > 0) {
            limited.get(endpoint).increment();
            throw OAuthException.rateLimited(Duration.ofMillis(wait))
                    .withDetail("request limit " + limit + " per minute reached (" + (cc ? "client_credentials" : "other") + ")");
        }
    }

    /** The counter, so that tests can flush it at once instead of waiting for the timer. */
    public LimitCounter counter() {
        return counter;
    }

    private static int limitOr(Integer override, int configured) {
        return override != null ? override : configured;
    }
}
