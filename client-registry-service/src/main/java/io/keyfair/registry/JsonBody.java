package io.keyfair.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;

/**
 * A JSON object request body, read member by member with type checks so that every wrong type
 * gets its own clear RFC 6749 error instead of a generic binding failure. A body that is not a
 * JSON object is `invalid_request`; a bad member is the error the endpoint chose
 * (`invalid_request`, or `invalid_client_metadata` for RFC 7591 metadata). A member that is
 * absent or JSON `null` reads as null.
 */
public final class JsonBody {

    /** Duplicate members and trailing garbage make a body ambiguous: refuse them. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final ObjectNode json;
    private final Function<String, OAuthException> invalid;

    private JsonBody(ObjectNode json, Function<String, OAuthException> invalid) {
        this.json = json;
        this.invalid = invalid;
    }

    /** A body the endpoint cannot do without. */
    public static JsonBody required(String raw, Function<String, OAuthException> invalid) {
        if (raw == null || raw.isBlank()) {
            throw OAuthException.invalidRequest("The request body must be a JSON object");
        }
        return optional(raw, invalid);
    }

    /** A body that may be left out (read as `{}`), so `curl -X POST` without one works. */
    public static JsonBody optional(String raw, Function<String, OAuthException> invalid) {
        if (raw == null || raw.isBlank()) {
            return new JsonBody(MAPPER.createObjectNode(), invalid);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw OAuthException.invalidRequest("The request body is not valid JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw OAuthException.invalidRequest("The request body must be a JSON object");
        }
        return new JsonBody(object, invalid);
    }

    /** An object built in memory (a merged patch) read the same way. */
    public static JsonBody of(ObjectNode json, Function<String, OAuthException> invalid) {
        return new JsonBody(json, invalid);
    }

    public ObjectNode json() {
        return json;
    }

    /** A string; NUL, which PostgreSQL cannot store in text, is refused. */
    public String string(String member) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid.apply(member + " must be a string");
        }
        return withoutNul(member, value.textValue());
    }

    /** A single-line text shown to people (a name, a description): no control characters. */
    public String text(String member) {
        String value = string(member);
        if (value != null && value.chars().anyMatch(Character::isISOControl)) {
            throw invalid.apply(member + " must not contain control characters");
        }
        return value;
    }

    public Boolean bool(String member) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid.apply(member + " must be true or false");
        }
        return value.booleanValue();
    }

    /** An integer from min to max; a fraction, a string or a number out of range is refused. */
    public Integer integer(String member, int min, int max) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw invalid.apply(member + " must be an integer from " + min + " to " + max);
        }
        return value.intValue();
    }

    public List<String> strings(String member) {
        JsonNode value = json.get(member);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid.apply(member + " must be an array of strings");
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw invalid.apply(member + " must be an array of strings");
            }
            out.add(withoutNul(member, item.textValue()));
        }
        return out;
    }

    private String withoutNul(String member, String value) {
        if (value.indexOf('\0') >= 0) {
            throw invalid.apply(member + " must not contain NUL characters");
        }
        return value;
    }
}
