package io.keyfair.registry.console;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.registry.audit.AuditResource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The console's reads of the clients, users and audit_events tables (the registry reads users, never writes them). */
@ApplicationScoped
public class ConsoleQueries {

    static final int PAGE = 50;

    private static final String APP_COLUMNS = """
            select c.client_id, c.client_name, c.logo_uri, c.tos_uri, c.policy_uri, c.redirect_uris, c.scope, c.reason,
                   c.app_type, c.status, c.status_reason, c.created_at, c.owner_user_id, u.username
              from clients c left join users u on u.id = c.owner_user_id
            """;

    private final Pool pool;

    ConsoleQueries(Pool pool) {
        this.pool = pool;
    }

    /** A row of an app list: what the queue and the search show. */
    public record App(String clientId, String name, String logoUri, String tosUri, String policyUri, List<String> redirectUris,
            List<String> scopes, String reason, String appType, String status, String statusNote, OffsetDateTime createdAt,
            String ownerId, String ownerUsername) {

        /** Only an https logo is shown (the pages' CSP allows nothing else). */
        public String httpsLogo() {
            return logoUri != null && logoUri.startsWith("https://") ? logoUri : null;
        }
    }

    public record User(String id, String username, String email, String name, String roles) {
    }

    public record Event(long id, OffsetDateTime time, String type, String clientId, String userId, String actor, String detail) {
    }

    /**
     * The review queue: pending apps, oldest first, {@link #PAGE} + 1 of them (the extra one says
     * there is a next page); `after` (a client id of the previous page's last app) pages on.
     */
    Uni<List<App>> pending(String after) {
        return pool.preparedQuery(APP_COLUMNS + """
                 where c.status = 'pending'
                   and ($1::text is null or (c.created_at, c.client_id) > (select k.created_at, k.client_id from clients k where k.client_id = $1))
                 order by c.created_at, c.client_id limit $2""")
                .execute(Tuple.of(blankToNull(after), PAGE + 1)).map(rows -> apps(rows));
    }

    /**
     * Apps whose name or id contains `q`, of a status and a type when given, newest first,
     * {@link #PAGE} + 1 of them; `after` (a client id of the previous page's last app) pages on.
     */
    Uni<List<App>> search(String q, String status, String type, String after) {
        return pool.preparedQuery(APP_COLUMNS + """
                 where ($1::text is null or c.client_id ilike '%' || $1 || '%' or c.client_name ilike '%' || $1 || '%')
                   and ($2::text is null or c.status = $2)
                   and ($3::text is null or c.app_type = $3)
                   and ($4::text is null or (c.created_at, c.client_id) < (select k.created_at, k.client_id from clients k where k.client_id = $4))
                 order by c.created_at desc, c.client_id desc limit $5""")
                .execute(Tuple.from(Arrays.asList(blankToNull(q), blankToNull(status), blankToNull(type), blankToNull(after), PAGE + 1)))
                .map(rows -> apps(rows));
    }

    Uni<Optional<App>> app(String clientId) {
        return pool.preparedQuery(APP_COLUMNS + " where c.client_id = $1").execute(Tuple.of(clientId))
                .map(rows -> apps(rows).stream().findFirst());
    }

    /** The role and username of the signed-in user, from their row. */
    Uni<Optional<User>> user(UUID id) {
        return pool.preparedQuery("select id, username, email, name, roles from users where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    List<User> out = users(rows);
                    return out.stream().findFirst();
                });
    }

    Uni<Optional<User>> userByUsername(String username) {
        return pool.preparedQuery("select id, username, email, name, roles from users where username = $1")
                .execute(Tuple.of(username)).map(rows -> users(rows).stream().findFirst());
    }

    /**
     * Users whose username or email contains `q` (as the admin API's user search), by username,
     * {@link #PAGE} + 1 of them; `after` (the previous page's last username) pages on.
     */
    Uni<List<User>> searchUsers(String q, String after) {
        return pool.preparedQuery("""
                select id, username, email, name, roles from users
                 where ($1::text is null or username ilike '%' || $1 || '%' or email ilike '%' || $1 || '%')
                   and ($2::text is null or username > $2)
                 order by username limit $3""").execute(Tuple.of(blankToNull(q), blankToNull(after), PAGE + 1))
                .map(ConsoleQueries::users);
    }

    /** The audit log, newest first, filtered like `GET /admin/audit`; `before` pages (an id: older than it). */
    Uni<List<Event>> audit(String clientId, String userId, String type, Long before, int limit) {
        return pool.preparedQuery("""
                select id, occurred_at, type, client_id, user_id, actor, detail::text as detail from audit_events
                 where ($1::text is null or client_id = $1)
                   and ($2::text is null or user_id = $2)
                   and ($3::text is null or type = $3)
                   and ($4::bigint is null or id < $4)
                 order by id desc limit $5""")
                .execute(Tuple.from(Arrays.asList(blankToNull(clientId), blankToNull(userId), blankToNull(type), before, limit)))
                .map(rows -> {
                    List<Event> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Event(r.getLong("id"), r.getOffsetDateTime("occurred_at"), r.getString("type"),
                                r.getString("client_id"), r.getString("user_id"),
                                AuditResource.actor(r.getString("actor"), r.getString("user_id")), r.getString("detail")));
                    }
                    return out;
                });
    }

    private static List<App> apps(Iterable<Row> rows) {
        List<App> out = new ArrayList<>();
        for (Row r : rows) {
            UUID owner = r.getUUID("owner_user_id");
            out.add(new App(r.getString("client_id"), r.getString("client_name"), r.getString("logo_uri"), r.getString("tos_uri"),
                    r.getString("policy_uri"), split(r.getString("redirect_uris")), split(r.getString("scope")), r.getString("reason"),
                    r.getString("app_type"), r.getString("status"), r.getString("status_reason"), r.getOffsetDateTime("created_at"),
                    owner == null ? null : owner.toString(), r.getString("username")));
        }
        return out;
    }

    private static List<User> users(Iterable<Row> rows) {
        List<User> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new User(r.getUUID("id").toString(), r.getString("username"), r.getString("email"), r.getString("name"),
                    r.getString("roles")));
        }
        return out;
    }

    private static List<String> split(String spaced) {
        return spaced == null || spaced.isBlank() ? List.of() : List.of(spaced.trim().split("\\s+"));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
