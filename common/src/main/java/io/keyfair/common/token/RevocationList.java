package io.keyfair.common.token;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tokens that stopped working before they expired: one access token by `jti`; every token of a
 * grant (code replay, refresh-token reuse, revocation of a refresh token); every token of a client
 * issued before a cut-off (suspension, deletion); every token of one user's grant to one client
 * issued before a cut-off (the connection was removed); every token of a user issued before a
 * cut-off (the user was deleted).
 *
 * <p>PostgreSQL holds every revocation, and the refresh families it ends are revoked in the same
 * statement, so the refresh path never depends on Redis. Redis mirrors the table for the hot
 * paths ({@link RevocationMirror}): a check is one Redis round trip while the mirror is trusted,
 * and a PostgreSQL query while it is not (Redis lost its data, or does not answer).
 */
@ApplicationScoped
public class RevocationList {

    static final String JTI = "jti";
    static final String GRANT = "grant";
    static final String CLIENT = "client";
    static final String USER_CLIENT = "user_client";
    static final String USER = "user";

    /** Longer than any access token lives (the largest `access_token_ttl` is 86,400 s). */
    private static final Duration ACCESS_TOKEN_MEMORY = Duration.ofSeconds(86_400 + 300);

    /** $1 kind, $2 subject, $3 cut-off (epoch ms, or null), $4 expiry (epoch ms). */
    private static final String UPSERT = """
            insert into revocations (kind, subject, cutoff_ms, expires_at)
            values ($1, $2, $3::bigint, to_timestamp($4::bigint / 1000.0))
            on conflict (kind, subject) do update
               set cutoff_ms = greatest(revocations.cutoff_ms, excluded.cutoff_ms),
                   expires_at = greatest(revocations.expires_at, excluded.expires_at),
                   updated_at = now()
            returning cutoff_ms, (extract(epoch from expires_at) * 1000)::bigint as expires_ms""";

    /** The revocation and the end of the refresh families it covers, in one statement. */
    private static String withFamilies(String families) {
        return "with r as (" + UPSERT + "),\n f as (update refresh_families set revoked_at = now(), revoked_reason = $5 where "
                + families + " and revoked_at is null returning 1)\n"
                + "select r.cutoff_ms, r.expires_ms, (select count(*) from f) as families from r";
    }

    private static final String REVOKE_GRANT = withFamilies("grant_id = $2");
    private static final String REVOKE_CLIENT = withFamilies("client_id = $2");
    private static final String REVOKE_USER = withFamilies("user_id = $2::uuid");
    /** $6 client id, $7 user id; the consent goes with it. Whether a live consent was removed. */
    private static final String REMOVE_CONNECTION = """
            with r as (%s),
                 f as (update refresh_families set revoked_at = now(), revoked_reason = $5
                        where client_id = $6 and user_id = $7::uuid and revoked_at is null returning 1),
                 c as (update consents set revoked_at = now(), updated_at = now()
                        where user_id = $7::uuid and client_id = $6 and revoked_at is null returning 1)
            select r.cutoff_ms, r.expires_ms, (select count(*) from c) as consents from r""".formatted(UPSERT);

    /** The fallback when the mirror is not trusted: the same question, asked of the truth. */
    private static final String IS_REVOKED = """
            select exists (select 1 from revocations where expires_at > now() and (
                   (kind = 'jti' and subject = $1) or (kind = 'grant' and subject = $2)
                or (kind = 'client' and subject = $3 and cutoff_ms > $6)
                or (kind = 'user_client' and subject = $4 and cutoff_ms > $6)
                or (kind = 'user' and subject = $5 and cutoff_ms > $6))) as revoked""";

    private final ReactiveValueCommands<String, String> values;
    private final Pool pool;
    private final RedisKeys keys;
    private final RevocationMirror mirror;
    private final Clock clock;

    RevocationList(ReactiveRedisDataSource redis, Pool pool, RedisKeys keys, RevocationMirror mirror, Clock clock) {
        this.values = redis.value(String.class);
        this.pool = pool;
        this.keys = keys;
        this.mirror = mirror;
        this.clock = clock;
    }

    /** Whether the access token was revoked in any of the ways above. One Redis round trip normally. */
    public Uni<Boolean> isRevoked(VerifiedAccessToken token) {
        String epochKey = mirror.epochKey();
        String jtiKey = keys.revokedAccessToken(token.jti());
        String clientKey = keys.clientTokensRevokedBefore(token.clientId());
        String grantKey = token.grantId() == null ? null : keys.revokedGrant(token.grantId());
        boolean ofUser = !token.isClientToken();
        String userClientKey = ofUser ? keys.userClientTokensRevokedBefore(token.clientId(), token.subject()) : null;
        String userKey = ofUser ? keys.userTokensRevokedBefore(token.subject()) : null;
        List<String> asked = new ArrayList<>(6);
        asked.add(epochKey);
        asked.add(jtiKey);
        asked.add(clientKey);
        if (grantKey != null) {
            asked.add(grantKey);
        }
        if (ofUser) {
            asked.add(userClientKey);
            asked.add(userKey);
        }
        long issuedAtMillis = token.issuedAt() * 1000;
        if (!mirror.isTrusted()) {
            // Redis lost its data, hangs or is being rebuilt from PostgreSQL: ask the truth
            mirror.distrusted();
            return askPostgres(token, issuedAtMillis);
        }
        // no per-request timer here: scheduling one costs the hot path more than the check itself; a
        // Redis that is down fails at once, and the mirror's sweep (with a timeout) notices one that hangs
        return values.mget(asked.toArray(String[]::new))
                .onFailure().recoverWithNull()
                .flatMap(found -> {
                    if (found == null || found.get(epochKey) == null) {
                        // Redis lost its data or did not answer: ask the truth, never answer "not revoked" blindly
                        mirror.distrusted();
                        return askPostgres(token, issuedAtMillis);
                    }
                    mirror.confirmed();
                    return Uni.createFrom().item(found.get(jtiKey) != null
                            || (grantKey != null && found.get(grantKey) != null)
                            // iat has second precision: a token from the second of a cut-off counts as before it
                            || before(issuedAtMillis, found.get(clientKey))
                            || (ofUser && (before(issuedAtMillis, found.get(userClientKey))
                                    || before(issuedAtMillis, found.get(userKey)))));
                });
    }

    private Uni<Boolean> askPostgres(VerifiedAccessToken token, long issuedAtMillis) {
        boolean ofUser = !token.isClientToken();
        Tuple args = Tuple.tuple()
                .addValue(token.jti())
                .addValue(token.grantId() == null ? "" : token.grantId())
                .addValue(token.clientId())
                .addValue(ofUser ? token.clientId() + ":" + token.subject() : "")
                .addValue(ofUser ? token.subject() : "")
                .addValue(issuedAtMillis);
        return pool.preparedQuery(IS_REVOKED).execute(args).map(rows -> rows.iterator().next().getBoolean("revoked"));
    }

    private static boolean before(long millis, String cutoffMillis) {
        return cutoffMillis != null && millis < Long.parseLong(cutoffMillis);
    }

    /** Revokes one access token until it would have expired anyway. */
    public Uni<Void> revoke(String jti, long expiresAtEpochSeconds) {
        long expiresAt = expiresAtEpochSeconds * 1000 + 1000;
        if (expiresAt <= clock.millis()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(UPSERT).execute(Tuple.of(JTI, jti, null, expiresAt))
                .flatMap(rows -> mirror(keys.revokedAccessToken(jti), rows));
    }

    /**
     * Voids every token a grant issued: its refresh families (in PostgreSQL) and its access tokens.
     *
     * @param reason why, kept on the families (`code_replay`, `reuse`, `revoked`)
     */
    public Uni<Void> revokeGrant(String grantId, String reason) {
        return cut(REVOKE_GRANT, GRANT, grantId, reason, null, keys.revokedGrant(grantId), NO_EVENTS).replaceWithVoid();
    }

    /**
     * {@link #revokeGrant(String, String)} when Keyfair ended the grant on its own (refresh-token
     * reuse, a replayed code): the app hears it as a CAEP session-revoked for that grant, written
     * in the revocation's transaction.
     *
     * @param reasonAdmin why, in the event's `reason_admin`
     */
    public Uni<Void> revokeGrant(String grantId, String reason, Initiator who, String reasonAdmin) {
        String txn = SecurityEvents.newTxn();
        return cut(REVOKE_GRANT, GRANT, grantId, reason, null, keys.revokedGrant(grantId),
                tx -> SecurityEvents.grantRevoked(tx, txn, grantId, who, reasonAdmin)).replaceWithVoid();
    }

    /**
     * {@link #revokeGrant(String, String, Initiator, String)} as one step of the caller's
     * transaction (with the app's CAEP session-revoked in it, written first); the returned step
     * mirrors it to Redis and must run once that transaction committed.
     */
    public Uni<Supplier<Uni<Void>>> revokeGrant(SqlClient tx, String txn, String grantId, String reason, Initiator who,
            String reasonAdmin) {
        Tuple args = Tuple.tuple().addValue(GRANT).addValue(grantId).addValue(null)
                .addValue(clock.millis() + ACCESS_TOKEN_MEMORY.toMillis()).addValue(reason);
        return SecurityEvents.grantRevoked(tx, txn, grantId, who, reasonAdmin)
                .flatMap(n -> tx.preparedQuery(REVOKE_GRANT).execute(args))
                .map(rows -> () -> mirror(keys.revokedGrant(grantId), rows));
    }

    /** Voids every token the client holds now: suspension or deletion. */
    public Uni<Void> revokeAllOfClient(String clientId, String reason) {
        return cut(REVOKE_CLIENT, CLIENT, clientId, reason, clock.millis(), keys.clientTokensRevokedBefore(clientId), NO_EVENTS)
                .replaceWithVoid();
    }

    /** Voids every token the user holds now, with every client: the user is deleted. */
    public Uni<Void> revokeAllOfUser(String userId, String reason) {
        return cut(REVOKE_USER, USER, userId, reason, clock.millis(), keys.userTokensRevokedBefore(userId), NO_EVENTS)
                .replaceWithVoid();
    }

    /**
     * Removes one user's connection to one client (the user or an admin): the consent, every
     * refresh family and every access token of it, in one statement, and the app's CAEP
     * session-revoked in the same transaction (written first: only a live connection has one).
     * Whether a live consent was removed.
     */
    public Uni<Boolean> removeConnection(String clientId, String userId, Initiator who) {
        return removeConnection(clientId, userId, who, SecurityEvents.newTxn());
    }

    /** {@link #removeConnection(String, String, Initiator)}, its event in the SET transaction `txn` (one change, many connections). */
    public Uni<Boolean> removeConnection(String clientId, String userId, Initiator who, String txn) {
        UUID.fromString(userId); // only ids that can be a user's
        long cutoff = clock.millis();
        Tuple args = Tuple.tuple().addValue(USER_CLIENT).addValue(clientId + ":" + userId).addValue(cutoff)
                .addValue(cutoff + ACCESS_TOKEN_MEMORY.toMillis()).addValue(who.value).addValue(clientId).addValue(userId);
        return pool.withTransaction(tx -> SecurityEvents.sessionRevoked(tx, txn, clientId, userId, null, who, null)
                        .flatMap(n -> tx.preparedQuery(REMOVE_CONNECTION).execute(args)))
                .call(rows -> mirror(keys.userClientTokensRevokedBefore(clientId, userId), rows))
                .map(rows -> rows.iterator().next().getLong("consents") > 0);
    }

    private static final Function<SqlClient, Uni<Integer>> NO_EVENTS = null;

    /** The revocation, after the events (if any) in its transaction; the mirror once it committed. */
    private Uni<RowSet<Row>> cut(String statement, String kind, String subject, String reason, Long cutoff, String key,
            Function<SqlClient, Uni<Integer>> events) {
        Tuple args = Tuple.tuple().addValue(kind).addValue(subject).addValue(cutoff)
                .addValue(clock.millis() + ACCESS_TOKEN_MEMORY.toMillis()).addValue(reason);
        Uni<RowSet<Row>> revoked = events == NO_EVENTS
                ? pool.preparedQuery(statement).execute(args)
                : pool.withTransaction(tx -> events.apply(tx).flatMap(n -> tx.preparedQuery(statement).execute(args)));
        return revoked.call(rows -> mirror(key, rows));
    }

    /** After the commit: the entry as PostgreSQL now holds it (a later cut-off wins). */
    private Uni<Void> mirror(String key, RowSet<Row> rows) {
        Row row = rows.iterator().next();
        Long cutoff = row.getLong("cutoff_ms");
        return mirror.apply(key, cutoff == null ? "1" : Long.toString(cutoff), row.getLong("expires_ms"));
    }
}
