package io.keyfair.common.refresh;

import java.time.Duration;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.user.UserClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How a refresh-token family starts, shared by token-service (a code redeemed) and the developer
 * portal (an app's owner issues a token for their own account): one statement writes the family,
 * only while its user exists, and its first token, stored as SHA-256 like every refresh token.
 * token-service's refresh grant then rotates the token whoever started the family.
 */
public final class RefreshFamilies {

    /**
     * $1 family id, $2 grant id, $3 client id, $4 user id, $5 scope, $6 auth_time, $7 lifetime in
     * seconds, $8 the first token's hash, $9 whether the app's owner issued it from the portal,
     * $10 the DPoP key the family is bound to (or null). Returns the user's claims too (for an ID
     * token), read in the same statement.
     */
    private static final String START = """
            with family as (
                insert into refresh_families (id, grant_id, client_id, user_id, scope, auth_time, expires_at, owner_issued, dpop_jkt)
                select $1::uuid, $2, $3, u.id, $5, $6, now() + make_interval(secs => $7), $9, $10
                  from users u where u.id = $4::uuid
                returning id, user_id, created_at, expires_at),
                 first as (insert into refresh_tokens (token_hash, family_id) select $8, id from family)
            select (extract(epoch from f.created_at) * 1000)::bigint as created_ms,
                   extract(epoch from f.expires_at)::bigint as expires_at, %s
              from family f join users u on u.id = f.user_id""".formatted(UserClaims.COLUMNS);

    private RefreshFamilies() {
    }

    /** A family to start: the grant it belongs to, whose it is, and its first token (in clear, stored hashed). */
    public record NewFamily(String familyId, String grantId, String clientId, String userId, String scope, long authTime,
            Duration ttl, String firstToken, boolean ownerIssued, String dpopJkt) {

        /** A family bound to no DPoP key. */
        public NewFamily(String familyId, String grantId, String clientId, String userId, String scope, long authTime,
                Duration ttl, String firstToken, boolean ownerIssued) {
            this(familyId, grantId, clientId, userId, scope, authTime, ttl, firstToken, ownerIssued, null);
        }
    }

    /**
     * Writes the family and its first token. The row set has one row (`created_ms`, `expires_at`
     * and the user's {@link UserClaims#COLUMNS})
     * when the user exists, none when the user is gone (nothing is written then).
     */
    public static Uni<RowSet<Row>> start(SqlClient sql, NewFamily f) {
        return sql.preparedQuery(START).execute(Tuple.tuple().addValue(f.familyId()).addValue(f.grantId()).addValue(f.clientId())
                .addValue(f.userId()).addValue(f.scope()).addValue(f.authTime()).addValue((double) f.ttl().toSeconds())
                .addValue(hash(f.firstToken())).addValue(f.ownerIssued()).addValue(f.dpopJkt()));
    }

    /** The stored form of a refresh token: its SHA-256 (the token is a 256-bit random value). */
    public static Buffer hash(String token) {
        return Buffer.buffer(Secrets.sha256(token));
    }
}
