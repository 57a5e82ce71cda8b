package io.keyfair.token.events;

import io.vertx.mutiny.sqlclient.Row;

/**
 * One row of `security_events` claimed for delivery, with the app's stream as it is now (all
 * stream fields null when the app has none).
 *
 * @param createdAt epoch seconds (the SET's `iat`)
 * @param setJwt the SET signed earlier, or null when it was never signed
 */
record OutboxEvent(long id, String jti, String txn, String clientId, String eventType, String userId, String sessionId,
        String streamId, String eventJson, long createdAt, String setJwt, int attempts, String deliveryMethod,
        String endpointUrl, String authorizationHeader, String streamStatus) {

    static final String PUSH = "urn:ietf:rfc:8935";
    static final String POLL = "urn:ietf:rfc:8936";

    static OutboxEvent of(Row r) {
        return new OutboxEvent(r.getLong("id"), r.getString("jti"), r.getString("txn"), r.getString("client_id"),
                r.getString("event_type"), r.getString("user_id"), r.getString("session_id"), r.getString("stream_id"),
                r.getString("event"), r.getLong("created_s"), r.getString("set_jwt"), r.getInteger("attempts"),
                r.getString("delivery_method"), r.getString("endpoint_url"), r.getString("authorization_header"),
                r.getString("stream_status"));
    }

    boolean hasStream() {
        return streamStatus != null && !"disabled".equals(streamStatus);
    }

    boolean polled() {
        return POLL.equals(deliveryMethod);
    }
}
