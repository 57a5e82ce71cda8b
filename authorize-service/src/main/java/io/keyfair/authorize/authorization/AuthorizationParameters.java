package io.keyfair.authorize.authorization;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The parameters of one authorization request, from the query (GET) or the form body (POST).
 * RFC 6749 §3.1: a parameter sent without a value counts as omitted, and none may be repeated.
 */
public final class AuthorizationParameters {

    private final Map<String, String> single = new LinkedHashMap<>();
    private final Set<String> repeated = new LinkedHashSet<>();

    public AuthorizationParameters(List<MultivaluedMap<String, String>> sources) {
        for (MultivaluedMap<String, String> source : sources) {
            if (source == null) {
                continue;
            }
            source.forEach((name, values) -> {
                for (String v : values) {
                    if (v == null || v.isEmpty()) {
                        continue;
                    }
                    if (single.putIfAbsent(name, v) != null) {
                        repeated.add(name);
                    }
                }
            });
        }
    }

    /** Parameters kept server-side (a pushed authorization request), each given once. */
    public static AuthorizationParameters of(Map<String, String> parameters) {
        MultivaluedMap<String, String> source = new MultivaluedHashMap<>();
        parameters.forEach(source::putSingle);
        return new AuthorizationParameters(List.of(source));
    }

    /** The value, or null when omitted (the first one when repeated). */
    public String get(String name) {
        return single.get(name);
    }

    public boolean isRepeated(String name) {
        return repeated.contains(name);
    }

    /** A repeated parameter, if any. */
    public String anyRepeated() {
        return repeated.isEmpty() ? null : repeated.iterator().next();
    }
}
