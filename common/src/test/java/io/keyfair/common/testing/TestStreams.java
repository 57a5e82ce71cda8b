package io.keyfair.common.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.keyfair.common.secret.Secrets;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SSF streams and connections written straight into the test database, as client-registry-service
 * and authorize-service would, and the outbox (`security_events`) read back.
 */
public final class TestStreams {

    private static final Duration WAIT = Duration.ofSeconds(10);
    public static final String PUSH = "urn:ietf:rfc:8935";
    public static final String POLL = "urn:ietf:rfc:8936";

    /** One outbox row, as stored. */
    public record Event(long id, String jti, String txn, String clientId, String type, String userId, String sessionId,
            String streamId, JsonObject event, String status, int attempts, String lastError, String setJwt) {
    }

    private TestStreams() {
    }

    /** A push stream to this endpoint taking every event type; its stream id. */
    public static String push(Pool pool, String clientId, String endpointUrl) {
        return stream(pool, clientId, PUSH, endpointUrl, null, "");
    }

    /** A poll stream taking every event type; its stream id. */
    public static String poll(Pool pool, String clientId) {
        return stream(pool, clientId, POLL, null, null, "");
    }

    /** A stream of any kind; {@code eventsRequested} space separated, empty for every type. */
    public static String stream(Pool pool, String clientId, String method, String endpointUrl, String authorizationHeader,
            String eventsRequested) {
        String streamId = Secrets.randomHex(16);
        pool.preparedQuery("""
                insert into ssf_streams (client_id, stream_id, delivery_method, endpoint_url, authorization_header, events_requested)
                values ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(clientId, streamId, method, endpointUrl, authorizationHeader, eventsRequested))
                .await().atMost(WAIT);
        return streamId;
    }

    /** `enabled`, `paused` or `disabled`, as the app would set it. */
    public static void status(Pool pool, String clientId, String status) {
        pool.preparedQuery("update ssf_streams set status = $2 where client_id = $1").execute(Tuple.of(clientId, status))
                .await().atMost(WAIT);
    }

    /** The user's live connection to the app, as authorize-service records a consent. */
    public static void connect(Pool pool, String clientId, String userId, String scope) {
        pool.preparedQuery("""
                insert into consents (user_id, client_id, scope) values ($1::uuid, $2, $3)
                on conflict (user_id, client_id) do update set scope = excluded.scope, revoked_at = null""")
                .execute(Tuple.of(userId, clientId, scope)).await().atMost(WAIT);
    }

    /** The app's outbox rows, oldest first. */
    public static List<Event> events(Pool pool, String clientId) {
        List<Event> events = new ArrayList<>();
        for (Row r : pool.preparedQuery("""
                select id, jti, txn, client_id, event_type, user_id::text as user_id, session_id, stream_id, event, status, attempts,
                       last_error, set_jwt
                  from security_events where client_id = $1 order by id""").execute(Tuple.of(clientId)).await().atMost(WAIT)) {
            events.add(new Event(r.getLong("id"), r.getString("jti"), r.getString("txn"), r.getString("client_id"),
                    r.getString("event_type"), r.getString("user_id"), r.getString("session_id"), r.getString("stream_id"),
                    (JsonObject) r.getValue("event"), r.getString("status"), r.getInteger("attempts"), r.getString("last_error"),
                    r.getString("set_jwt")));
        }
        return events;
    }

    /** One CAEP session-revoked row for the user's connection, written as an emitter would. */
    public static void sessionRevoked(Pool pool, String clientId, String userId) {
        pool.preparedQuery("""
                insert into security_events (txn, client_id, event_type, user_id, session_id, event)
                values ($1, $2, 'https://schemas.openid.net/secevent/caep/event-type/session-revoked', $3::uuid, $4, $5::jsonb)""")
                .execute(Tuple.of(Secrets.randomHex(16), clientId, userId, Secrets.randomHex(16),
                        new JsonObject().put("event_timestamp", System.currentTimeMillis() / 1000).put("initiating_entity", "admin")))
                .await().atMost(WAIT);
    }
}
