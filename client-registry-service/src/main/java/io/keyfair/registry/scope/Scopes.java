package io.keyfair.registry.scope;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The `scopes` table as the admin API reads and writes it, always fresh (common's ScopeCatalog is
 * the services' cached copy).
 */
@ApplicationScoped
public class Scopes {

    /** Race-free create-or-update: the insert says whether the name was new. */
    private static final String INSERT_IF_NEW = "insert into scopes (name, description) values ($1, $2) on conflict (name) do nothing";

    private final Pool pool;

    Scopes(Pool pool) {
        this.pool = pool;
    }

    /** A scope just saved, and whether it is new. */
    public record Saved(ScopeView scope, boolean created) {
    }

    /** Every scope, in name order. */
    public Uni<List<ScopeView>> list() {
        return pool.query("select name, description, restricted from scopes order by name").execute().map(rows -> {
            List<ScopeView> scopes = new ArrayList<>(rows.size());
            for (Row row : rows) {
                scopes.add(view(row));
            }
            return scopes;
        });
    }

    /** Creates the scope, or gives an existing one this description. */
    public Uni<Saved> save(String name, String description) {
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT_IF_NEW).execute(Tuple.of(name, description))
                .map(inserted -> inserted.rowCount() == 1)
                .call(created -> created
                        ? Uni.createFrom().voidItem()
                        : tx.preparedQuery("update scopes set description = $2 where name = $1").execute(Tuple.of(name, description)))
                .flatMap(created -> tx.preparedQuery("select name, description, restricted from scopes where name = $1")
                        .execute(Tuple.of(name))
                        .map(rows -> new Saved(view(rows.iterator().next()), created))));
    }

    private static ScopeView view(Row row) {
        return new ScopeView(row.getString("name"), row.getString("description"), row.getBoolean("restricted"));
    }
}
