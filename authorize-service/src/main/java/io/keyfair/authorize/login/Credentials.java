package io.keyfair.authorize.login;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.authorize.user.PasswordHasher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Checks a username and password against `users`. */
@ApplicationScoped
public class Credentials {

    private static final String FIND = "select id::text as id, password_hash from users where username = $1";

    private final Pool pool;
    private final PasswordHasher hasher;

    Credentials(Pool pool, PasswordHasher hasher) {
        this.pool = pool;
        this.hasher = hasher;
    }

    /**
     * The user's id when the password is right. An unknown username costs the same Argon2 work
     * as a wrong password, so the timing does not tell whether the account exists.
     */
    public Uni<Optional<String>> verify(String username, String password) {
        return pool.preparedQuery(FIND).execute(Tuple.of(username)).flatMap(rows -> {
            Row row = rows.size() == 0 ? null : rows.iterator().next();
            String hash = row == null ? null : row.getString("password_hash");
            return hasher.verify(hash, password)
                    .map(ok -> ok && row != null ? Optional.of(row.getString("id")) : Optional.<String>empty());
        });
    }
}
