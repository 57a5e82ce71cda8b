package io.keyfair.registry.portal;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.connection.Connections;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The apps one user owns (`clients.owner_user_id`), as the portal shows them. Read-only. */
@ApplicationScoped
public class OwnedApps {

    private static final String COLUMNS = "client_id, client_name, app_type, status, status_reason, redirect_uris, created_at";

    /**
     * One app of the user.
     *
     * @param statusNote the operator's note: why it was rejected or suspended (null otherwise)
     * @param connections its connections counted by state, in {@link Connections#STATES} order
     */
    public record OwnedApp(String clientId, String name, String appType, String status, String statusNote,
            List<String> redirectUris, OffsetDateTime createdAt, Map<String, Long> connections) {
    }

    private final Pool pool;
    private final Connections connections;

    OwnedApps(Pool pool, Connections connections) {
        this.pool = pool;
        this.connections = connections;
    }

    /** The user's apps, newest first, each with its connection counts. */
    public Uni<List<OwnedApp>> of(UUID owner) {
        return pool.preparedQuery("select " + COLUMNS + " from clients where owner_user_id = $1 order by created_at desc, client_id")
                .execute(Tuple.of(owner))
                .flatMap(rows -> {
                    List<Uni<OwnedApp>> apps = new ArrayList<>();
                    for (Row r : rows) {
                        apps.add(connections.countByStateOf(r.getString("client_id")).map(counts -> app(r, counts)));
                    }
                    return apps.isEmpty() ? Uni.createFrom().item(List.<OwnedApp>of()) : Uni.join().all(apps).andFailFast();
                });
    }

    /** One app, when the user owns it. */
    public Uni<Optional<OwnedApp>> one(UUID owner, String clientId) {
        return pool.preparedQuery("select " + COLUMNS + " from clients where owner_user_id = $1 and client_id = $2")
                .execute(Tuple.of(owner, clientId))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<OwnedApp>empty());
                    }
                    Row r = rows.iterator().next();
                    return connections.countByStateOf(clientId).map(counts -> Optional.of(app(r, counts)));
                });
    }

    /**
     * The user's username, for "signed in as" (null when the user is gone). Read from the users
     * table, since ID tokens carry profile claims only where the issuer puts them there.
     */
    public Uni<String> username(UUID user) {
        return pool.preparedQuery("select username from users where id = $1").execute(Tuple.of(user))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("username"));
    }

    /** Whether the user owns this app: the check before every action of the app page. */
    public Uni<Boolean> owns(UUID owner, String clientId) {
        return pool.preparedQuery("select 1 from clients where owner_user_id = $1 and client_id = $2")
                .execute(Tuple.of(owner, clientId)).map(rows -> rows.size() > 0);
    }

    /** How many apps the user owns. */
    public Uni<Long> count(UUID owner) {
        return pool.preparedQuery("select count(*) as n from clients where owner_user_id = $1").execute(Tuple.of(owner))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    private static OwnedApp app(Row r, Map<String, Long> counts) {
        String uris = r.getString("redirect_uris");
        return new OwnedApp(r.getString("client_id"), r.getString("client_name"), r.getString("app_type"),
                r.getString("status"), r.getString("status_reason"),
                uris == null || uris.isBlank() ? List.of() : List.of(uris.trim().split(" +")),
                r.getOffsetDateTime("created_at"), counts);
    }
}
