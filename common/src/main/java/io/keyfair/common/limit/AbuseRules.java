package io.keyfair.common.limit;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.client.PolicySuspension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The abuse rules that suspend a client automatically through {@link PolicySuspension} (CONTRACT
 * "Errors, limits, bad input"): refresh-token reuse detected {@link AbuseConfig#reuseCount()}
 * times within {@link AbuseConfig#reuseWindow()}, counted from PostgreSQL (reuse is rare, and the
 * count survives Redis losing its data); and a request limit exceeded in
 * {@link AbuseConfig#excessMinutes()} separate minutes within {@link AbuseConfig#excessWindow()},
 * counted by {@link LimitCounter}'s flush in Redis. A rule that cannot be counted or applied never
 * changes the answer the client gets: it is logged, and the next occurrence counts again.
 */
@ApplicationScoped
public class AbuseRules {

    private static final Logger LOG = Logger.getLogger(AbuseRules.class);

    static final String REUSE = "refresh_token_reuse";
    static final String EXCESS = "rate_limit_excess";

    /** $1 client id, $2 the window in seconds. A reuse ends every family of its grant: count grants. */
    private static final String REUSES = """
            select count(distinct grant_id) as reuses from refresh_families
             where client_id = $1 and revoked_reason = 'reuse' and revoked_at > now() - make_interval(secs => $2)""";

    private final Pool pool;
    private final AbuseConfig config;
    private final PolicySuspension suspension;
    /** `keyfair_refresh_reuse_total`: reuse detections, every client together (no client label). */
    private final Counter reuses;

    AbuseRules(Pool pool, AbuseConfig config, PolicySuspension suspension, MeterRegistry metrics) {
        this.pool = pool;
        this.config = config;
        this.suspension = suspension;
        this.reuses = Counter.builder("keyfair.refresh.reuse")
                .description("Refresh tokens used again after rotation; each ended its grant").register(metrics);
    }

    /**
     * A refresh token of this client was reused (RFC 9700 §4.14.2) and its grant has been ended
     * for it; suspends the client once the rule's count is reached.
     */
    public Uni<Void> reuseDetected(String clientId) {
        reuses.increment();
        return pool.preparedQuery(REUSES).execute(Tuple.of(clientId, (double) config.reuseWindow().toSeconds()))
                .map(rows -> rows.iterator().next().getLong("reuses"))
                .flatMap(reuses -> reuses >= config.reuseCount()
                        ? suspend(clientId, REUSE, Map.of("reuse_count", reuses, "window_seconds", config.reuseWindow().toSeconds()))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithUni(e -> logged(clientId, REUSE, e));
    }

    /**
     * The client went over a request limit in a minute this instance had not reported yet.
     *
     * @param excessMinutes the separate minutes it did so within the rule's window, this one included
     */
    public Uni<Void> limitExceeded(String clientId, long excessMinutes) {
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
