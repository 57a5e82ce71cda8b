package io.keyfair.token.user;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** What token-service needs to know of users, which authorize-service owns: whether one still exists. */
@ApplicationScoped
public class Users {

    private static final String EXISTS = "select exists (select 1 from users where id = $1::uuid) as present";

    private final Pool pool;

    Users(Pool pool) {
        this.pool = pool;
    }

    /** Whether the user with this id exists; a user deleted since a grant began does not. */
    public Uni<Boolean> exists(String userId) {
        return pool.preparedQuery(EXISTS).execute(Tuple.of(userId))
                .map(rows -> rows.iterator().next().getBoolean("present"));
    }
}
