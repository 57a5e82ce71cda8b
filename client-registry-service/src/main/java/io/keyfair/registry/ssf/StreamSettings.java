package io.keyfair.registry.ssf;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.WebUris;

/**
 * What a receiver may set on its stream (SSF 1.0 §8.1.1, the receiver-supplied properties):
 * `delivery`, `events_requested` and `description`, read from a request body and checked. The
 * transmitter-supplied properties (`iss`, `aud`, `events_supported`, `events_delivered`) and
 * unknown members are ignored. Every failure is a 400 `invalid_request`.
 *
 * @param endpointUrl the push URL; null for poll
 * @param authorizationHeader sent with each push; null for none (and for poll)
 * @param eventsRequested event types, each one Keyfair supports; empty for every type
 */
public record StreamSettings(String method, String endpointUrl, String authorizationHeader, List<String> eventsRequested,
        String description) {

    static final int MAX_DESCRIPTION = 1000;
    static final int MAX_AUTHORIZATION_HEADER = 4096;
    static final int MAX_EVENTS_REQUESTED = 20;

    private static final Function<String, OAuthException> INVALID = OAuthException::invalidRequest;

    /** A whole stream (create or replace): without `delivery`, the receiver polls. */
    public static StreamSettings of(JsonBody json) {
        Delivery delivery = json.json().has("delivery") ? delivery(json, null) : new Delivery(Stream.POLL, null, null);
        return new StreamSettings(delivery.method, delivery.endpointUrl, delivery.authorizationHeader,
                eventsRequested(json), description(json));
    }

    /**
     * The stream with each member the body holds replaced (SSF 1.0 §8.1.1.3). A push delivery that
     * names the same endpoint without an `authorization_header` keeps the stored one, since it is
     * never shown to be sent back; a new endpoint never gets the old endpoint's credential.
     */
    public static StreamSettings patched(JsonBody json, Stream current) {
        ObjectNode body = json.json();
        String method = current.method();
        String endpointUrl = current.endpointUrl();
        String authorizationHeader = current.authorizationHeader();
        if (body.has("delivery")) {
            Delivery d = delivery(json, current);
            method = d.method;
            endpointUrl = d.endpointUrl;
            authorizationHeader = d.authorizationHeader;
        }
        List<String> events = body.has("events_requested") ? eventsRequested(json) : current.eventsRequested();
        String description = body.has("description") ? description(json) : current.description();
        return new StreamSettings(method, endpointUrl, authorizationHeader, events, description);
    }

    private record Delivery(String method, String endpointUrl, String authorizationHeader) {
    }

    private static Delivery delivery(JsonBody json, Stream current) {
        JsonNode node = json.json().get("delivery");
        if (!(node instanceof ObjectNode object)) {
            throw INVALID.apply("delivery must be an object with a method");
        }
        JsonBody delivery = JsonBody.of(object, member -> INVALID.apply("delivery." + member));
        String method = delivery.string("method");
        if (Stream.POLL.equals(method)) {
            // §6.1.2: for poll the transmitter supplies endpoint_url; what a receiver sends is ignored
            return new Delivery(Stream.POLL, null, null);
        }
        if (!Stream.PUSH.equals(method)) {
            throw INVALID.apply("delivery.method must be " + Stream.PUSH + " (push) or " + Stream.POLL + " (poll)");
        }
        String url = delivery.string("endpoint_url");
        if (url == null) {
            throw INVALID.apply("delivery.endpoint_url is required for push delivery");
        }
        String problem = WebUris.problem(url);
        if (problem != null) {
            throw INVALID.apply("delivery.endpoint_url " + problem);
        }
        String header = delivery.text("authorization_header");
        if (header != null && (header.isBlank() || header.length() > MAX_AUTHORIZATION_HEADER)) {
            throw INVALID.apply("delivery.authorization_header must be 1 to " + MAX_AUTHORIZATION_HEADER + " characters");
        }
        if (header == null && !object.has("authorization_header") && current != null && Stream.PUSH.equals(current.method())
                && url.equals(current.endpointUrl())) {
            header = current.authorizationHeader();
        }
        return new Delivery(Stream.PUSH, url, header);
    }

    private static List<String> eventsRequested(JsonBody json) {
        List<String> given = json.strings("events_requested");
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_EVENTS_REQUESTED) {
            throw INVALID.apply("events_requested may name at most " + MAX_EVENTS_REQUESTED + " event types");
        }
        for (String type : given) {
            if (!Stream.EVENTS_SUPPORTED.contains(type)) {
                throw INVALID.apply("events_requested names an event type that is not in events_supported");
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    private static String description(JsonBody json) {
        String description = json.text("description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw INVALID.apply("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }
}
