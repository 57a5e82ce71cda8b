package io.keyfair.common.connection;

import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A user's approval of scopes for a client, written to `consents`: by the consent page
 * (authorize-service) and by the developer portal when an app's owner issues a token for their
 * own account (the click is the approval).
 */
public final class ConsentGrant {

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

    private ConsentGrant() {
    }

    /** Records that the user approved these scopes (space separated) for the client, and that it is in use now. */
    public static Uni<Void> grant(SqlClient sql, UUID userId, String clientId, String scope) {
        return sql.preparedQuery(GRANT).execute(Tuple.of(userId, clientId, scope)).replaceWithVoid();
    }
}
