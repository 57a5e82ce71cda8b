package io.keyfair.common.error;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * `keyfair_oauth_errors_total{endpoint, error}`: every error response a client got, by endpoint
 * and RFC 6749 §5.2 / §4.1.2.1 error code. Both labels come from closed sets (an {@link Endpoint}
 * derived from the route, an {@link OAuthError} code), never from the request itself, so a scan of
 * random paths or error strings cannot make new series. Counters are created on first use of a
 * pair and then found in a map without the registry.
 *
 * <p>JSON error bodies are counted as they leave ({@link OAuthErrorCounting}); errors sent to the
 * client in the authorization redirect are counted by authorize-service with {@link #count}.
 */
@Singleton
public class OAuthErrorMetrics {

    /** The `endpoint` label: which endpoint answered, from the first segments of its path. */
    public enum Endpoint {
        TOKEN("token", "/oauth/token"),
        REVOKE("revoke", "/oauth/revoke"),
        INTROSPECT("introspect", "/oauth/introspect"),
        USERINFO("userinfo", "/oauth/userinfo"),
        AUTHORIZE("authorize", "/oauth/authorize"),
        PAR("par", "/oauth/par"),
        REGISTER("register", "/oauth/register"),
        JWKS("jwks", "/oauth/jwks"),
        DISCOVERY("discovery", "/.well-known"),
        LOGIN("login", "/login"),
        LOGOUT("logout", "/logout"),
        CONSENT("consent", "/consent"),
        ACCOUNT("account", "/account"),
        ADMIN("admin", "/admin"),
        SSF("ssf", "/ssf"),
        DEVELOPERS("developers", "/developers"),
        CONSOLE("console", "/console"),
        OTHER("other", null);

        final String label;
        private final String path;

        Endpoint(String label, String path) {
            this.label = label;
            this.path = path;
        }

        /** The endpoint a request path belongs to: the path itself or anything below it; else {@link #OTHER}. */
        public static Endpoint of(String requestPath) {
            if (requestPath != null) {
                for (Endpoint e : VALUES) {
                    if (e.path != null && requestPath.startsWith(e.path)
                            && (requestPath.length() == e.path.length() || requestPath.charAt(e.path.length()) == '/')) {
                        return e;
                    }
                }
            }
            return OTHER;
        }

        private static final Endpoint[] VALUES = values();
    }

    /** Codes Keyfair sends; anything else (none today) is counted as `other`. */
    private static final Map<String, String> CODES = new HashMap<>();

    static {
        for (OAuthError e : OAuthError.values()) {
            CODES.put(e.code(), e.code());
        }
    }

    private final MeterRegistry registry;
    /** Per endpoint, the counter of each error code seen so far. */
    private final Map<String, Counter>[] counters;

    @SuppressWarnings("unchecked")
    OAuthErrorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.counters = new Map[Endpoint.values().length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new ConcurrentHashMap<>();
        }
    }

    /** Counts one error response of this endpoint. */
    public void count(Endpoint endpoint, OAuthError error) {
        count(endpoint, error.code());
    }

    /** Counts one error response of this endpoint, by its `error` member. */
    public void count(Endpoint endpoint, String code) {
        String known = code == null ? "other" : CODES.getOrDefault(code, "other");
        Map<String, Counter> byCode = counters[endpoint.ordinal()];
        Counter counter = byCode.get(known);
        if (counter == null) {
            counter = byCode.computeIfAbsent(known, c -> Counter.builder("keyfair.oauth.errors")
                    .description("Error responses by endpoint and OAuth error code")
                    .tag("endpoint", endpoint.label).tag("error", c).register(registry));
        }
        counter.increment();
    }
}
