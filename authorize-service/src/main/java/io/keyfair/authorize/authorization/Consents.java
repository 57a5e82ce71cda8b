package io.keyfair.authorize.authorization;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Users' grants to clients (`consents`, written only by this service). A grant remembers every
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

    /**
     * One statement, so two approvals racing cannot lose a scope: a live grant gains the new
     * scopes (and keeps its first_granted_at); a removed one starts over with just them.
     */
    private static final String GRANT = """
            insert into consents (user_id, client_id, scope, first_granted_at, updated_at, last_used_at)
            values ($1, $2, $3, now(), now(), now())
            on conflict (user_id, client_id) do update set
              scope = case when consents.revoked_at is not null then excluded.scope
                      else (select string_agg(s, ' ' order by s)
                              from (select distinct unnest(string_to_array(consents.scope || ' ' || excluded.scope, ' ')) as s) u
                             where s <> '') end,
              first_granted_at = case when consents.revoked_at is not null then now() else consents.first_granted_at end,
              revoked_at = null,
              updated_at = now(),
              last_used_at = now()""";

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
        return pool.preparedQuery(GRANT).execute(Tuple.of(UUID.fromString(userId), clientId, String.join(" ", scopes)))
                .replaceWithVoid();
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
