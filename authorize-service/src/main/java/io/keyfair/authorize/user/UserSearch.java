package io.keyfair.authorize.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Operators looking users up (`GET /admin/users?q=`): by a part of the username or email, by username. */
@ApplicationScoped
public class UserSearch {

    /** $1 pattern or null, $2 cursor (the last username of the previous page) or null, $3 limit + 1. */
    private static final String PAGE = """
            select id::text as id, username, email, name, roles from users
             where ($1::text is null or username ilike $1 escape '\\' or email ilike $1 escape '\\')
               and ($2::text is null or username > $2)
             order by username limit $3""";

    /** One user as the search lists it. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Found(String id, String username, String email, String name, List<String> roles) {
    }

    /** A page of users, and the cursor of the next one (null on the last). */
    public record Page(List<Found> users, String nextCursor) {
    }

    private final Pool pool;

    UserSearch(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page> search(Optional<String> q, Optional<String> cursor, int limit) {
        String pattern = q.filter(s -> !s.isEmpty()).map(s -> "%" + escapeLike(s) + "%").orElse(null);
        return pool.preparedQuery(PAGE).execute(Tuple.of(pattern, cursor.orElse(null), limit + 1)).map(rows -> {
            List<Found> found = new ArrayList<>();
            for (Row r : rows) {
                String roles = r.getString("roles");
                found.add(new Found(r.getString("id"), r.getString("username"), r.getString("email"), r.getString("name"),
                        roles == null || roles.isBlank() ? List.of() : List.of(roles.trim().split(" +"))));
            }
            if (found.size() <= limit) {
                return new Page(found, null);
            }
            List<Found> page = List.copyOf(found.subList(0, limit));
            return new Page(page, page.get(limit - 1).username());
        });
    }

    /** Whether a user with this id exists. */
    public Uni<Boolean> exists(String id) {
        return pool.preparedQuery("select 1 from users where id = $1::uuid").execute(Tuple.of(id)).map(rows -> rows.size() > 0);
    }

    /** `q` is matched literally: LIKE's wildcards in it match themselves. */
    private static String escapeLike(String q) {
        return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
