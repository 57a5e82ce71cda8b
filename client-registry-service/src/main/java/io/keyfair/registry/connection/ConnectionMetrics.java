package io.keyfair.registry.connection;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.keyfair.common.connection.Connections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * `keyfair_connections{state="…"}`: how many connections are in each state, counted from
 * PostgreSQL every 30 s by the registry (the operator's service). One label, five values: no
 * per-client or per-user series.
 */
@ApplicationScoped
public class ConnectionMetrics {

    private static final Logger LOG = Logger.getLogger(ConnectionMetrics.class);
    static final Duration PERIOD = Duration.ofSeconds(30);

    private final Connections connections;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    ConnectionMetrics(Connections connections, MeterRegistry metrics) {
        this.connections = connections;
        for (String state : Connections.STATES) {
            AtomicLong count = new AtomicLong();
            counts.put(state, count);
            Gauge.builder("keyfair.connections", count, AtomicLong::get).tag("state", state)
                    .description("Connections (one user's grant to one client) by state").register(metrics);
        }
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        vertx.setPeriodic(1, PERIOD.toMillis(), id -> refresh());
    }

    /** Counts again now. */
    public io.smallrye.mutiny.Uni<Void> refreshNow() {
        return connections.countByState().invoke(found -> found.forEach((state, n) -> counts.get(state).set(n))).replaceWithVoid();
    }

    private void refresh() {
        refreshNow().subscribe().with(v -> {
        }, e -> LOG.warnf("cannot count connections: %s", e.getMessage()));
    }
}
