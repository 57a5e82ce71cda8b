package io.keyfair.authorize.authorization;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.connection.ConsentGrant;
import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Users' grants to clients (`consents`; written here, and by the developer portal when an app's owner
 * issues a token for their own account: {@link ConsentGrant}). A grant remembers every
 * scope the user approved for the client, until the user or an admin removes it.
 */
@ApplicationScoped
public class Consents {

    /** A live grant: the scopes the user approved. */
    public record Grant(Set<String> scopes) {
        public boolean covers(List<String> asked) {
            return scopes.containsAll(asked);
        }
    }

    private static final String FIND = "select scope from consents where user_id = $1 and client_id = $2 and revoked_at is null";

    private static final String TOUCH = "update consents set last_used_at = now() where user_id = $1 and client_id = $2";

    private static final String REVOKE = """
            update consents set revoked_at = now(), updated_at = now()
             where user_id = $1 and client_id = $2 and revoked_at is null""";

    private final Pool pool;

    Consents(Pool pool) {
        this.pool = pool;
    }

    /** The user's live grant to the client, if any. */
    public Uni<Optional<Grant>> find(String userId, String clientId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(UUID.fromString(userId), clientId)).map(rows -> {
            for (Row r : rows) {
                return Optional.of(new Grant(SpaceDelimited.parse(r.getString("scope"))));
            }
            return Optional.empty();
        });
    }

    /** Records that the user approved these scopes for the client (and that it is in use now). */
    public Uni<Void> grant(String userId, String clientId, List<String> scopes) {
        return ConsentGrant.grant(pool, UUID.fromString(userId), clientId, String.join(" ", scopes));
    }

    /** Notes that the grant was used to issue a code. */
    public Uni<Void> touch(String userId, String clientId) {
        return pool.preparedQuery(TOUCH).execute(Tuple.of(UUID.fromString(userId), clientId)).replaceWithVoid();
    }

    /** Removes the grant; whether there was a live one. */
    public Uni<Boolean> revoke(String userId, String clientId) {
        return pool.preparedQuery(REVOKE).execute(Tuple.of(UUID.fromString(userId), clientId))
                .map(rows -> rows.rowCount() > 0);
    }
}
