package io.keyfair.registry.ssf;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.keyfair.common.events.SecurityEvents;

/**
 * An app's SSF stream as stored (`ssf_streams`), and how it reads to the app (SSF 1.0 §8.1.1).
 *
 * @param endpointUrl the push receiver's URL; null for poll (Keyfair's poll endpoint serves it)
 * @param authorizationHeader what Keyfair sends with each push; the receiver's secret, never shown
 * @param eventsRequested the event types the app asked for; empty for every type
 * @param status `enabled`, `paused` or `disabled`, as the app set it
 * @param clientSuspended the app is suspended, so the stream reads `disabled` whatever is stored
 */
public record Stream(String clientId, String streamId, String method, String endpointUrl, String authorizationHeader,
        List<String> eventsRequested, String description, String status, String statusReason, boolean clientSuspended) {

    /** RFC 8935 push delivery. */
    public static final String PUSH = "urn:ietf:rfc:8935";
    /** RFC 8936 poll delivery. */
    public static final String POLL = "urn:ietf:rfc:8936";
    /** Where a poll stream's receiver collects its SETs (token-service, under the issuer). */
    public static final String POLL_PATH = "/ssf/poll";

    /** Every event type Keyfair emits (CONTRACT.md, "Security events"). */
    public static final List<String> EVENTS_SUPPORTED = List.of(SecurityEvents.SESSION_REVOKED, SecurityEvents.CREDENTIAL_CHANGE,
            SecurityEvents.TOKEN_CLAIMS_CHANGE, SecurityEvents.STREAM_UPDATED, SecurityEvents.VERIFICATION);

    public static final String ENABLED = "enabled";
    public static final String PAUSED = "paused";
    public static final String DISABLED = "disabled";
    public static final List<String> STATUSES = List.of(ENABLED, PAUSED, DISABLED);

    /** The events Keyfair sends on it: those requested that it supports, or every type when none was named. */
    public List<String> eventsDelivered() {
        if (eventsRequested.isEmpty()) {
            return EVENTS_SUPPORTED;
        }
        LinkedHashSet<String> delivered = new LinkedHashSet<>(eventsRequested);
        delivered.retainAll(EVENTS_SUPPORTED);
        return List.copyOf(delivered);
    }

    /** SSF 1.0 §8.1.2.1: `disabled` for a suspended app, else the status the app set. */
    public String effectiveStatus() {
        return clientSuspended ? DISABLED : status;
    }

    /** The stream configuration (SSF 1.0 §8.1.1) without the receiver's authorization header. */
    public Map<String, Object> configuration(String issuer) {
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("method", method);
        delivery.put("endpoint_url", POLL.equals(method) ? base(issuer) + POLL_PATH : endpointUrl);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("stream_id", streamId);
        c.put("iss", issuer);
        c.put("aud", clientId);
        c.put("delivery", delivery);
        c.put("events_supported", EVENTS_SUPPORTED);
        c.put("events_requested", eventsRequested);
        c.put("events_delivered", eventsDelivered());
        if (description != null) {
            c.put("description", description);
        }
        return c;
    }

    /** The stream status (SSF 1.0 §8.1.2). */
    public Map<String, Object> statusJson() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("stream_id", streamId);
        s.put("status", effectiveStatus());
        String reason = clientSuspended ? "The app is suspended" : statusReason;
        if (reason != null) {
            s.put("reason", reason);
        }
        return s;
    }

    private static String base(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
