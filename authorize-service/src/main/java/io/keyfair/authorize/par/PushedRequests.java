package io.keyfair.authorize.par;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Pushed authorization requests (RFC 9126) in Redis, kept like authorization codes: the
 * `request_uri` carries 256 random bits, only their SHA-256 is stored, for {@link #LIFETIME}, and
 * the authorization endpoint takes a request once (`GETDEL`, atomic however many browsers race).
 * The key includes the client id, so a `request_uri` works only with the client that pushed it.
 * The parameters are kept as sent (less the client's credentials), so every authorization
 * parameter, `dpop_jkt` included, reaches the authorization endpoint as if the browser had sent it.
 */
@ApplicationScoped
public class PushedRequests {

    /** RFC 9126 §2.2: the prefix of every `request_uri` this server issues. */
    public static final String URN = "urn:ietf:params:oauth:request_uri:";

    /** CONTRACT: `expires_in` 60; short, since the browser is sent on at once (RFC 9126 §2.2). */
    public static final Duration LIFETIME = Duration.ofSeconds(60);

    private static final Pattern REQUEST_URI = Pattern.compile(Pattern.quote(URN) + "[0-9a-f]{64}");
    private static final TypeReference<Map<String, String>> PARAMETERS = new TypeReference<>() {
    };

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;

    PushedRequests(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json) {
        this.values = redis.value(String.class);
        this.keys = keys;
        this.json = json;
    }

    /** Whether the value has the form of a `request_uri` of ours (it may still be unknown or used). */
    public static boolean isPushed(String requestUri) {
        return requestUri != null && requestUri.startsWith(URN);
    }

    /** Keeps the parameters for {@link #LIFETIME} and returns their new `request_uri`. */
    public Uni<String> push(String clientId, Map<String, String> parameters) {
        String random = Secrets.randomHex(32);
        String data;
        try {
            data = json.writeValueAsString(parameters);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.set(keys.pushedAuthorizationRequest(clientId, hash(random)), data, new SetArgs().ex(LIFETIME).nx())
                .replaceWith(URN + random);
    }

    /**
     * Removes and returns the parameters pushed by this client under this `request_uri`; empty
     * when there are none: never issued, expired, already used, or pushed by another client.
     */
    public Uni<Optional<Map<String, String>>> take(String clientId, String requestUri) {
        if (requestUri == null || !REQUEST_URI.matcher(requestUri).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String random = requestUri.substring(URN.length());
        return values.getdel(keys.pushedAuthorizationRequest(clientId, hash(random))).map(this::read);
    }

    private Optional<Map<String, String>> read(String data) {
        if (data == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(data, PARAMETERS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable pushed authorization request", e);
        }
    }

    private static String hash(String random) {
        return HexFormat.of().formatHex(Secrets.sha256(random));
    }
}
