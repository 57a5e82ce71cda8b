package io.keyfair.common.events;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes Security Event Tokens to the outbox (`security_events`), each in the caller's transaction:
 * pass the {@link SqlClient} of the transaction that makes the change, so the event exists exactly
 * when the change does (DESIGN.md, "Hot paths"). token-service signs and delivers them.
 *
 * <p>An event is written only for an app with a stream that is not disabled and that asked for the
 * type (or for every type). Events about a user's connection are written for live connections
 * (a consent not revoked) of approved apps, so call them <em>before</em> the statement that ends
 * the connection, deletes the user or suspends the app, in the same transaction.
 */
public final class SecurityEvents {

    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    public static final String CREDENTIAL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    public static final String TOKEN_CLAIMS_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/token-claims-change";
    public static final String STREAM_UPDATED = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
    public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    /** Who ended a session (CAEP `initiating_entity`). */
    public enum Initiator {
        USER("user"), ADMIN("admin"), POLICY("policy"), SYSTEM("system");

        public final String value;

        Initiator(String value) {
            this.value = value;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** An app's stream that takes events of type $1 (joined as `s`, on `c.client_id`). */
    private static final String RECEIVES = """
            join ssf_streams s on s.client_id = c.client_id and s.status <> 'disabled'
                 and (s.events_requested = '' or $1 = any (string_to_array(s.events_requested, ' ')))
            """;

    /** The app's grant for the user, as the app saw it in its tokens; stable when it holds none. */
    private static final String SESSION_ID = """
            coalesce((select f.grant_id from refresh_families f
                       where f.client_id = c.client_id and f.user_id = c.user_id
                       order by f.revoked_at is null desc, f.last_used_at desc limit 1),
                     left(encode(sha256(convert_to(c.client_id || ':' || c.user_id::text, 'UTF8')), 'hex'), 32))""";

    /**
     * $1 type, $2 txn, $3 client id or null (every app), $4 user id or null (every user), $5 grant
     * id or null (the connection's own), $6 the event object.
     */
    private static final String ABOUT_CONNECTIONS = """
            insert into security_events (txn, client_id, event_type, user_id, session_id, event)
            select $2, c.client_id, $1, c.user_id, coalesce($5::varchar, %s), $6::jsonb
              from consents c
              join clients cl on cl.client_id = c.client_id and cl.status = 'approved'
              %s
             where c.revoked_at is null
               and ($3::varchar is null or c.client_id = $3)
               and ($4::uuid is null or c.user_id = $4::uuid)""".formatted(SESSION_ID, RECEIVES);

    /**
     * $1 type, $2 txn, $3 client id, $4 the event object. Stream events (verification,
     * stream-updated) go to every stream that is not disabled, whatever types it asked for: they
     * are about the stream itself (SSF 1.0 §8.1.4, §8.1.5).
     */
    private static final String ABOUT_STREAM = """
            insert into security_events (txn, client_id, event_type, stream_id, event)
            select $2, c.client_id, $1, s.stream_id, $4::jsonb
              from clients c
              join ssf_streams s on s.client_id = c.client_id and s.status <> 'disabled'
             where c.client_id = $3""";

    /**
     * $1 type, $2 txn, $3 grant id, $4 the event object: the connection whose refresh families
     * carry the grant, with the grant as its session.
     */
    private static final String ABOUT_GRANT = """
            insert into security_events (txn, client_id, event_type, user_id, session_id, event)
            select $2, c.client_id, $1, c.user_id, $3::varchar, $4::jsonb
              from consents c
              join clients cl on cl.client_id = c.client_id and cl.status = 'approved'
              %s
             where c.revoked_at is null
               and (c.client_id, c.user_id) in (select f.client_id, f.user_id from refresh_families f where f.grant_id = $3::varchar)"""
            .formatted(RECEIVES);

    /**
     * $1 type, $2 txn, $3 the changed claims by the scope that releases them (`{"email": {"email":
     * …}}`), $4 user id, $5 event_timestamp: one event per live connection whose granted scope
     * releases at least one of them, with just those claims.
     */
    private static final String CLAIMS_CHANGED = """
            insert into security_events (txn, client_id, event_type, user_id, session_id, event)
            select $2, c.client_id, $1, c.user_id, %s,
                   jsonb_build_object('event_timestamp', $5::bigint, 'claims', granted.claims)
              from consents c
              join clients cl on cl.client_id = c.client_id and cl.status = 'approved'
              %s
              cross join lateral (select jsonb_object_agg(claim.key, claim.value) as claims
                                    from jsonb_each($3::jsonb) released, jsonb_each(released.value) claim
                                   where released.key = any (string_to_array(c.scope, ' '))) granted
             where c.revoked_at is null and c.user_id = $4::uuid and granted.claims is not null"""
            .formatted(SESSION_ID, RECEIVES);

    private SecurityEvents() {
    }

    /** A new transaction id (`txn`), shared by every event one change causes. */
    public static String newTxn() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * CAEP session-revoked for every live connection matching the client and user (either may be
     * null for all). Returns how many events were written.
     *
     * @param grantId the grant that ended (refresh-token reuse), or null for the connection's own
     * @param reasonAdmin why, when Keyfair acted on its own (policy, system); null otherwise
     */
    public static Uni<Integer> sessionRevoked(SqlClient sql, String txn, String clientId, String userId, String grantId,
            Initiator who, String reasonAdmin) {
        JsonObject event = new JsonObject().put("event_timestamp", nowSeconds()).put("initiating_entity", who.value);
        if (reasonAdmin != null) {
            event.put("reason_admin", new JsonObject().put("en", reasonAdmin));
        }
        return aboutConnections(sql, SESSION_REVOKED, txn, clientId, userId, grantId, event);
    }

    /**
     * CAEP session-revoked for the connection a grant belongs to (found by its refresh families),
     * with the grant as the session: refresh-token reuse or a replayed code ended that grant only.
     * Nothing is written for a grant without a refresh family.
     */
    public static Uni<Integer> grantRevoked(SqlClient sql, String txn, String grantId, Initiator who, String reasonAdmin) {
        JsonObject event = new JsonObject().put("event_timestamp", nowSeconds()).put("initiating_entity", who.value);
        if (reasonAdmin != null) {
            event.put("reason_admin", new JsonObject().put("en", reasonAdmin));
        }
        return sql.preparedQuery(ABOUT_GRANT).execute(Tuple.of(SESSION_REVOKED, txn, grantId, event)).map(rows -> rows.rowCount());
    }

    /**
     * CAEP token-claims-change to every app the user is connected to that was granted a scope
     * releasing one of the changed claims; each event carries only the claims its app was granted.
     *
     * @param changedByScope the changed claims with their new values, by the scope that releases them
     */
    public static Uni<Integer> claimsChanged(SqlClient sql, String txn, String userId, JsonObject changedByScope) {
        UUID.fromString(userId);
        if (changedByScope.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Tuple args = Tuple.tuple().addValue(TOKEN_CLAIMS_CHANGE).addValue(txn).addValue(changedByScope).addValue(userId)
                .addValue(nowSeconds());
        return sql.preparedQuery(CLAIMS_CHANGED).execute(args).map(rows -> rows.rowCount());
    }

    /** CAEP credential-change to every app the user is connected to: the password changed. */
    public static Uni<Integer> credentialChange(SqlClient sql, String txn, String userId, Initiator who) {
        JsonObject event = new JsonObject().put("event_timestamp", nowSeconds()).put("initiating_entity", who.value)
                .put("credential_type", "password").put("change_type", "update");
        return aboutConnections(sql, CREDENTIAL_CHANGE, txn, null, userId, null, event);
    }

    /**
     * CAEP token-claims-change to one app the user is connected to.
     *
     * @param claims the changed claims the app was granted, with their new values
     */
    public static Uni<Integer> tokenClaimsChange(SqlClient sql, String txn, String clientId, String userId, JsonObject claims) {
        JsonObject event = new JsonObject().put("event_timestamp", nowSeconds()).put("claims", claims);
        return aboutConnections(sql, TOKEN_CLAIMS_CHANGE, txn, clientId, userId, null, event);
    }

    /** SSF stream-updated: the stream's status as the app now sees it (`enabled`, `paused`, `disabled`). */
    public static Uni<Integer> streamUpdated(SqlClient sql, String txn, String clientId, String status, String reason) {
        JsonObject event = new JsonObject().put("status", status);
        if (reason != null) {
            event.put("reason", reason);
        }
        return aboutStream(sql, STREAM_UPDATED, txn, clientId, event);
    }

    /** SSF verification, carrying the receiver's `state` when it sent one. */
    public static Uni<Integer> verification(SqlClient sql, String txn, String clientId, String state) {
        JsonObject event = new JsonObject();
        if (state != null) {
            event.put("state", state);
        }
        return aboutStream(sql, VERIFICATION, txn, clientId, event);
    }

    private static Uni<Integer> aboutConnections(SqlClient sql, String type, String txn, String clientId, String userId,
            String grantId, JsonObject event) {
        if (userId != null) {
            UUID.fromString(userId); // only ids that can be a user's
        }
        Tuple args = Tuple.tuple().addValue(type).addValue(txn).addValue(clientId).addValue(userId).addValue(grantId)
                .addValue(event);
        return sql.preparedQuery(ABOUT_CONNECTIONS).execute(args).map(rows -> rows.rowCount());
    }

    private static Uni<Integer> aboutStream(SqlClient sql, String type, String txn, String clientId, JsonObject event) {
        return sql.preparedQuery(ABOUT_STREAM).execute(Tuple.of(type, txn, clientId, event)).map(rows -> rows.rowCount());
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
