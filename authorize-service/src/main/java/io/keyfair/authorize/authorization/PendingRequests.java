package io.keyfair.authorize.authorization;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.authorize.page.PageException;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Validated authorization requests kept server-side between the authorize endpoint, the login
 * page and the consent page: the pages carry only a random id, so nothing the browser sends
 * later can change what was validated.
 */
@ApplicationScoped
public class PendingRequests {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

    /** KEYS[1] = the address's counter; ARGV[1] = the window in ms. Returns {count, ms left}. */
    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return {n, redis.call('PTTL', KEYS[1])}""";

    private final ReactiveRedisDataSource redis;
    private final CurrentVertxRequest request;
    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final RequestConfig config;
    @Inject
    AuthorizationMetrics metrics;

    PendingRequests(ReactiveRedisDataSource redis, CurrentVertxRequest request, RedisKeys keys, ObjectMapper json,
            RequestConfig config) {
        this.redis = redis;
        this.request = request;
        this.values = redis.value(String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    /**
     * Keeps the request and returns its new id; fails with a 429 page when the browser's address
     * already left {@link RequestConfig#maxPerAddress()} requests within the window, so anonymous
     * requests cannot grow Redis without bound. The count is taken before anything is stored.
     */
    public Uni<String> save(AuthorizationRequest request) {
        String id = Secrets.randomHex(16);
        String data;
        try {
            data = json.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return admit().flatMap(v -> values.set(keys.authorizationRequest(id), data, new SetArgs().ex(config.ttl())))
                .replaceWith(id);
    }

    private Uni<Void> admit() {
        String address = clientAddress();
        return redis.execute("EVAL", COUNT, "1", keys.authorizationRequestsOfAddress(address),
                Long.toString(config.rateWindow().toMillis())).map(r -> {
                    if (r.get(0).toLong() > config.maxPerAddress()) {
                        metrics.count(AuthorizationMetrics.Outcome.THROTTLED);
                        throw PageException.tooManyRequests(Duration.ofMillis(Math.max(0, r.get(1).toLong())));
                    }
                    return null;
                });
    }

    private String clientAddress() {
        // behind the ingress this is the forwarded client address (quarkus.http.proxy.*)
        RoutingContext current = request.getCurrent();
        SocketAddress remote = current == null ? null : current.request().remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
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
