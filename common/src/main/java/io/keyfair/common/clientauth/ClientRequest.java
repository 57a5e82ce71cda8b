package io.keyfair.common.clientauth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.ws.rs.core.MultivaluedMap;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.SpaceDelimited;
import io.vertx.core.http.HttpServerRequest;

/**
 * The form parameters of a token, revocation or introspection request, each given once, with the
 * `Authorization` header and the client's address.
 *
 * @param clientAddress the caller's IP address: behind a trusted proxy the forwarded one
 *        (`quarkus.http.proxy.trusted-proxies`), else the peer's; only IP-literal characters
 */
public record ClientRequest(Map<String, String> parameters, String authorization, String clientAddress) {

    /** The longest IPv6 literal with a zone is well under this. */
    private static final int MAX_ADDRESS_LENGTH = 64;

    /** RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once." */
    public static ClientRequest of(MultivaluedMap<String, String> form, String authorization, HttpServerRequest http) {
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
        return new ClientRequest(Map.copyOf(single), authorization, clientAddress(http));
    }

    /**
     * The caller's address as throttles key on it. A trusted proxy forwards whatever it was sent,
     * so anything but the characters of an IP literal is replaced and the length is bounded.
     */
    static String clientAddress(HttpServerRequest http) {
        String address = http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        if (address == null || address.isEmpty()) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder(Math.min(address.length(), MAX_ADDRESS_LENGTH));
        for (int i = 0; i < address.length() && i < MAX_ADDRESS_LENGTH; i++) {
            char c = address.charAt(i);
            boolean literal = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || c == '.' || c == ':' || c == '%' || c == '-' || c == '_';
            out.append(literal ? c : '_');
        }
        return out.toString();
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
