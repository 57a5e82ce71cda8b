package io.keyfair.authorize.session;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.authorize.page.Cookies;
import io.keyfair.authorize.page.Links;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.redis.datasource.value.GetExArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Login sessions in Redis under the SHA-256 of a 256-bit random cookie value, with an idle
 * timeout (renewed on each use) and an absolute one (from the login).
 */
@ApplicationScoped
public class Sessions {

    /** The session cookie's name (CONTRACT.md). */
    public static final String COOKIE = "kf_session";

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    /** What Redis holds for a session. */
    @RegisterForReflection
    record Stored(@JsonProperty("user_id") String userId, @JsonProperty("auth_time") long authTime) {
    }

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final SessionConfig config;
    private final Links links;
    private final Pool pool;

    Sessions(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json, SessionConfig config, Links links, Pool pool) {
        this.values = redis.value(String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
        this.links = links;
        this.pool = pool;
    }

    /** Starts a session for a user who just logged in. */
    public Uni<Session> start(String userId) {
        Session session = new Session(Secrets.randomHex(32), userId, System.currentTimeMillis() / 1000);
        String data;
        try {
            data = json.writeValueAsString(new Stored(session.userId(), session.authTime()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return values.set(key(session.id()), data, new SetArgs().ex(ttlFor(session))).replaceWith(session);
    }

    /**
     * The browser's session, if it has a live one whose user still exists; its idle timeout
     * starts again.
     */
    public Uni<Optional<Session>> find(HttpHeaders headers) {
        String id = Cookies.read(headers, COOKIE);
        if (id == null || !ID.matcher(id).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.getex(key(id), new GetExArgs().ex(config.idleTimeout())).flatMap(data -> {
            if (data == null) {
                return Uni.createFrom().item(Optional.<Session>empty());
            }
            Stored stored = read(data);
            Session session = new Session(id, stored.userId(), stored.authTime());
            if (ttlFor(session).isNegative() || ttlFor(session).isZero()) {
                return end(id).replaceWith(Optional.<Session>empty());
            }
            return userExists(session.userId()).flatMap(exists -> exists
                    ? Uni.createFrom().item(Optional.of(session))
                    : end(id).replaceWith(Optional.<Session>empty()));
        });
    }

    /** Ends the browser's session, if any. */
    public Uni<Void> end(HttpHeaders headers) {
        String id = Cookies.read(headers, COOKIE);
        return id == null || !ID.matcher(id).matches() ? Uni.createFrom().voidItem() : end(id);
    }

    private Uni<Void> end(String id) {
        return values.getdel(key(id)).replaceWithVoid();
    }

    /** The `Set-Cookie` value that hands the session to the browser. */
    public String cookie(Session session) {
        return Cookies.set(COOKIE, session.id(), links.secure());
    }

    /** The `Set-Cookie` value that removes the session cookie. */
    public String clearCookie() {
        return Cookies.clear(COOKIE, links.secure());
    }

    /** Idle timeout, cut short by the absolute one. */
    private Duration ttlFor(Session s) {
        long left = s.authTime() + config.maxAge().toSeconds() - System.currentTimeMillis() / 1000;
        return Duration.ofSeconds(Math.min(left, config.idleTimeout().toSeconds()));
    }

    private Uni<Boolean> userExists(String userId) {
        return pool.preparedQuery("select 1 from users where id = $1").execute(Tuple.of(UUID.fromString(userId)))
                .map(rows -> rows.size() > 0);
    }

    private Stored read(String data) {
        try {
            return json.readValue(data, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable session", e);
        }
    }

    private String key(String id) {
        // Redis holds the digest: whoever reads Redis cannot take over a session
        return keys.session(HexFormat.of().formatHex(Secrets.sha256(id)));
    }
}
