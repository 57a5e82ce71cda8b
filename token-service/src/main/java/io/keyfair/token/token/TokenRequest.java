package io.keyfair.token.token;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.ws.rs.core.MultivaluedMap;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.SpaceDelimited;

/** The form parameters of a token, revocation or introspection request, each given once. */
public record TokenRequest(Map<String, String> parameters, String authorization) {

    /** RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once." */
    public static TokenRequest of(MultivaluedMap<String, String> form, String authorization) {
        Map<String, String> single = new TreeMap<>();
        if (form != null) {
            for (Map.Entry<String, List<String>> e : form.entrySet()) {
                if (e.getValue().size() > 1) {
                    throw OAuthException.invalidRequest("The parameter " + printable(e.getKey()) + " was given more than once");
                }
                String value = e.getValue().isEmpty() ? "" : e.getValue().get(0);
                // RFC 6749 §3.2: parameters sent without a value are treated as omitted
                if (!value.isEmpty()) {
                    single.put(e.getKey(), value);
                }
            }
        }
        return new TokenRequest(Map.copyOf(single), authorization);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public String required(String name) {
        return get(name).orElseThrow(() -> OAuthException.invalidRequest("The parameter " + name + " is required"));
    }

    /** The space-separated `scope` parameter, or empty when it was not sent. */
    public Optional<Set<String>> scopes() {
        return get("scope").map(SpaceDelimited::parse);
    }

    private static String printable(String name) {
        return name.length() > 40 || !name.matches("[A-Za-z0-9_.-]*") ? "(unnamed)" : name;
    }
}
