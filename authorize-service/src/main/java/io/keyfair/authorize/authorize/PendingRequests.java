package io.keyfair.authorize.authorize;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Validated authorization requests kept server-side between the authorize endpoint, the login
 * page and the consent page: the pages carry only a random id, so nothing the browser sends
 * later can change what was validated.
 */
@ApplicationScoped
public class PendingRequests {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final RequestConfig config;

    PendingRequests(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json, RequestConfig config) {
        this.values = redis.value(String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    /** Keeps the request and returns its new id. */
    public Uni<String> save(AuthorizationRequest request) {
        String id = Secrets.randomHex(16);
        String data;
        try {
            data = json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.set(keys.authorizationRequest(id), data, new SetArgs().ex(config.ttl())).replaceWith(id);
    }

    public Uni<Optional<AuthorizationRequest>> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.get(keys.authorizationRequest(id)).map(this::read);
    }

    /** Removes and returns the request: a decision is taken once, however often it is posted. */
    public Uni<Optional<AuthorizationRequest>> take(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.getdel(keys.authorizationRequest(id)).map(this::read);
    }

    public Uni<Void> delete(String id) {
        return id == null ? Uni.createFrom().voidItem() : values.getdel(keys.authorizationRequest(id)).replaceWithVoid();
    }

    private Optional<AuthorizationRequest> read(String data) {
        if (data == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(data, AuthorizationRequest.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable authorization request", e);
        }
    }
}
