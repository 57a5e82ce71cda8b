package io.keyfair.common.scope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/** The scope catalog as the services read it, cached for a few seconds. */
@ApplicationScoped
public class ScopeCatalog {

    private static final Duration TTL = Duration.ofSeconds(5);

    private record Snapshot(Map<String, Scope> byName, long loadedAtNanos) {
    }

    private final Pool pool;
    private volatile Snapshot snapshot;

    ScopeCatalog(Pool pool) {
        this.pool = pool;
    }

    /** Every scope by name, in name order. */
    public Uni<Map<String, Scope>> all() {
        Snapshot s = snapshot;
        if (s != null && System.nanoTime() - s.loadedAtNanos() < TTL.toNanos()) {
            return Uni.createFrom().item(s.byName());
        }
        long started = System.nanoTime();
        return pool.query("select name, description, restricted from scopes order by name").execute().map(rows -> {
            Map<String, Scope> byName = new LinkedHashMap<>();
            for (Row r : rows) {
                byName.put(r.getString("name"), new Scope(r.getString("name"), r.getString("description"), r.getBoolean("restricted")));
            }
            snapshot = new Snapshot(java.util.Collections.unmodifiableMap(byName), started);
            return byName;
        });
    }

    public Uni<List<String>> names() {
        return all().map(m -> new ArrayList<>(m.keySet()));
    }

    /** Forgets the cached catalog (after this service changed it). */
    public void invalidate() {
        snapshot = null;
    }
}
