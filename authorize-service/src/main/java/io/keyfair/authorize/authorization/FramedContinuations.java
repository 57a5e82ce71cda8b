package io.keyfair.authorize.authorization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.authorize.session.Session;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Framed authorizations waiting for the browser. A browser does not check `frame-ancestors` on a
 * redirect, so a framed request that would end in a redirect with a code gets a page instead
 * (which the browser only renders inside an allowed ancestor), and that page continues here.
 * Each continuation is bound to the session that asked and is taken at most once.
 */
@ApplicationScoped
public class FramedContinuations {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    /** What Redis holds: the request, and the SHA-256 of the session id it belongs to. */
    @RegisterForReflection
    record Stored(AuthorizationRequest request, @JsonProperty("session") String sessionHash) {
    }

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final RequestConfig config;

    FramedContinuations(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json, RequestConfig config) {
        this.values = redis.value(String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    /** Keeps the request for this session and returns the continuation's id. */
    public Uni<String> save(AuthorizationRequest request, Session session) {
        String id = Secrets.randomHex(16);
        String data;
        try {
            data = json.writeValueAsString(new Stored(request, hash(session)));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.set(keys.framedContinuation(id), data, new SetArgs().ex(config.framedContinuationTtl())).replaceWith(id);
    }

    /**
     * Removes the continuation and returns its request when it belongs to this session; a
     * continuation is used up by any attempt, so it can never issue a second code.
     */
    public Uni<Optional<AuthorizationRequest>> take(String id, Session session) {
        if (id == null || !ID.matcher(id).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.getdel(keys.framedContinuation(id)).map(data -> {
            if (data == null) {
                return Optional.empty();
            }
            Stored stored = read(data);
            boolean sameSession = MessageDigest.isEqual(stored.sessionHash().getBytes(StandardCharsets.US_ASCII),
                    hash(session).getBytes(StandardCharsets.US_ASCII));
            return sameSession ? Optional.of(stored.request()) : Optional.empty();
        });
    }

    private Stored read(String data) {
        try {
            return json.readValue(data, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable framed continuation", e);
        }
    }

    private static String hash(Session session) {
        // Redis never holds a session id: whoever reads it cannot take the session over
        return HexFormat.of().formatHex(Secrets.sha256(session.id()));
    }
}
