package io.keyfair.token;

import java.time.Duration;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Users written straight into the real test database, as authorize-service would. */
public final class TestUsers {

    private TestUsers() {
    }

    /** A new user's id. The password hash is never checked by token-service. */
    public static String create(Pool pool) {
        String id = UUID.randomUUID().toString();
        pool.preparedQuery("insert into users (id, username, password_hash) values ($1::uuid, $2, 'unused')")
                .execute(Tuple.of(id, "user-" + id)).await().atMost(Duration.ofSeconds(10));
        return id;
    }

    public static void delete(Pool pool, String id) {
        pool.preparedQuery("delete from users where id = $1::uuid").execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
    }
}
