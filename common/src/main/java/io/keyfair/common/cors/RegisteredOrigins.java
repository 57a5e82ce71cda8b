package io.keyfair.common.cors;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/**
 * Every origin some approved client registered in `allowed_cors_origins`, for preflights, which
 * cannot name their client (a browser sends no body and no credentials with them). Served from
 * memory; read again from PostgreSQL after {@link CorsConfig#originsRefresh()}, and on the next
 * preflight after {@link ClientDirectory} hears that a client changed (or may have missed a
 * change). Nothing is read until the first preflight, so a service without client paths never
 * queries it. Concurrent preflights share one read.
 */
@ApplicationScoped
public class RegisteredOrigins {

    private static final Logger LOG = Logger.getLogger(RegisteredOrigins.class);

    private static final String SELECT =
            "select allowed_cors_origins from clients where status = 'approved' and allowed_cors_origins <> ''";

    /** @param atNanos when the read that produced it started */
    private record Snapshot(Set<String> origins, long atNanos) {
    }

    private final Pool pool;
    private final long refreshNanos;
    private final AtomicReference<Uni<Set<String>>> reading = new AtomicReference<>();
    private volatile Snapshot current;
    private volatile long changedAtNanos = System.nanoTime();

    RegisteredOrigins(Pool pool, ClientDirectory clients, CorsConfig config) {
        this.pool = pool;
        this.refreshNanos = config.originsRefresh().toNanos();
        clients.onChange(() -> changedAtNanos = System.nanoTime());
    }

    /** Whether an approved client registered this exact origin; false when it cannot be told. */
    public Uni<Boolean> contains(String origin) {
        return origins().map(origins -> origins.contains(origin))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("cannot read the registered CORS origins: %s", e.getMessage());
                    return false;
                });
    }

    private Uni<Set<String>> origins() {
        Snapshot snapshot = current;
        long now = System.nanoTime();
        if (snapshot != null && snapshot.atNanos() - changedAtNanos > 0 && now - snapshot.atNanos() < refreshNanos) {
            return Uni.createFrom().item(snapshot.origins());
        }
        Uni<Set<String>> pending = reading.get();
        if (pending != null) {
            return pending;
        }
        long started = System.nanoTime();
        AtomicReference<Uni<Set<String>>> self = new AtomicReference<>();
        Uni<Set<String>> read = pool.preparedQuery(SELECT).execute()
                .map(RegisteredOrigins::origins)
                .invoke(origins -> current = new Snapshot(origins, started))
                .eventually(() -> reading.compareAndSet(self.get(), null))
                .memoize().indefinitely();
        self.set(read);
        return reading.compareAndSet(null, read) ? read : origins();
    }

    private static Set<String> origins(RowSet<Row> rows) {
        Set<String> origins = new HashSet<>();
        for (Row row : rows) {
            origins.addAll(SpaceDelimited.parse(row.getString("allowed_cors_origins")));
        }
        return Set.copyOf(origins);
    }
}
