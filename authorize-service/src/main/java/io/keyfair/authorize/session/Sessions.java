package io.keyfair.authorize.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.redis.datasource.value.GetExArgs;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Login sessions in Redis under the SHA-256 of a 256-bit random cookie value, with an idle
 * timeout (renewed on each use) and an absolute one (from the login). Each user's sessions are
 * also listed in a per-user index, so that a password change or the user's deletion ends every
 * one of them (CONTRACT.md, Logout); the index lives as long as its newest session can, and an
 * entry whose session already expired is harmless.
 */
@ApplicationScoped
public class Sessions {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    /** KEYS[1] = a user's index; ARGV = a session's digest, the index's TTL in s. */
    private static final String LIST = """
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            return 1""";

    /** What Redis holds for a session. */
    @RegisterForReflection
    record Stored(@JsonProperty("user_id") String userId, @JsonProperty("auth_time") long authTime) {
    }

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSetCommands<String, String> sets;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final SessionConfig config;
    private final SessionCookie cookie;
    private final Pool pool;
    private final Clock clock;

    Sessions(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json, SessionConfig config, SessionCookie cookie,
            Pool pool, Clock clock) {
        this.redis = redis;
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
        this.cookie = cookie;
        this.pool = pool;
        this.clock = clock;
    }

    /** Starts a session for a user who just logged in. */
    public Uni<Session> start(String userId) {
        Session session = new Session(Secrets.randomHex(32), userId, clock.instant().getEpochSecond());
        String data;
        try {
            data = json.writeValueAsString(new Stored(session.userId(), session.authTime()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        String digest = digest(session.id());
        // The index first, then the session: no session exists that the index does not list (an
        // index entry whose session was never written is harmless). Two steps, not one script: the
        // session's key is named by its digest and the index by the user, so a Redis Cluster may
        // keep them on different nodes. Every later session of the user ends no later than this
        // one can, so the index lives as long as the newest.
        return redis.execute("EVAL", LIST, "1", keys.sessionsOfUser(userId), digest, Long.toString(config.maxAge().toSeconds()))
                .flatMap(listed -> values.set(keys.session(digest), data, new SetArgs().ex(ttlFor(session))))
                .replaceWith(session);
    }

    /**
     * Ends every session of the user (password changed, user deleted): each browser signed in
     * as them needs the user again.
     */
    public Uni<Void> endAll(String userId) {
        String index = keys.sessionsOfUser(userId);
        return sets.smembers(index).flatMap(digests -> {
            // one DEL per key: the sessions are spread over a Redis Cluster's slots; the index last,
            // so that a failure leaves it listing what may still live
            List<Uni<Integer>> ends = new ArrayList<>();
            for (String digest : digests) {
                ends.add(redis.key(String.class).del(keys.session(digest)));
            }
            Uni<Void> sessionsEnded = ends.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(ends).andFailFast().replaceWithVoid();
            return sessionsEnded.flatMap(v -> redis.key(String.class).del(index));
        }).replaceWithVoid();
    }

    /**
     * The browser's session, if it has a live one whose user still exists; its idle timeout
     * starts again.
     */
    public Uni<Optional<Session>> find(HttpHeaders headers) {
        String id = cookie.read(headers);
        if (id == null || !ID.matcher(id).matches()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return values.getex(keys.session(digest(id)), new GetExArgs().ex(config.idleTimeout())).flatMap(data -> {
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
        String id = cookie.read(headers);
        return id == null || !ID.matcher(id).matches() ? Uni.createFrom().voidItem() : end(id);
    }

    private Uni<Void> end(String id) {
        String digest = digest(id);
        return values.getdel(keys.session(digest)).flatMap(data -> data == null
                ? Uni.createFrom().voidItem()
                : sets.srem(keys.sessionsOfUser(read(data).userId()), digest).replaceWithVoid());
    }

    /** The `Set-Cookie` value that hands the session to the browser. */
    public String cookie(Session session) {
        return cookie.set(session.id());
    }

    /** The `Set-Cookie` value that removes the session cookie. */
    public String clearCookie() {
        return cookie.clear();
    }

    /** Idle timeout, cut short by the absolute one. */
    private Duration ttlFor(Session s) {
        long left = s.authTime() + config.maxAge().toSeconds() - clock.instant().getEpochSecond();
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

    private static String digest(String id) {
        // Redis holds the digest: whoever reads Redis cannot take over a session
        return HexFormat.of().formatHex(Secrets.sha256(id));
    }
}
