package io.keyfair.token.user;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.user.UserClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** What token-service needs to know of users, which authorize-service owns: their claims, while they exist. */
@ApplicationScoped
public class Users {

    private static final String SELECT = "select " + UserClaims.COLUMNS + " from users where id = $1::uuid";

    private final Pool pool;

    Users(Pool pool) {
        this.pool = pool;
    }

    /** The claims of the user with this id; empty for a user deleted since a grant began. */
    public Uni<Optional<UserClaims>> claims(String userId) {
        return pool.preparedQuery(SELECT).execute(Tuple.of(userId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(UserClaims.of(rows.iterator().next())));
    }
}
