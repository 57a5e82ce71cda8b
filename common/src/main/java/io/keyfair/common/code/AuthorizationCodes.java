package io.keyfair.common.code;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * One-time authorization codes in Redis. authorize-service issues them (`SET … EX NX`),
 * token-service redeems them in one atomic step that also remembers the code was used, so a
 * replay is recognised and can revoke what the first use issued.
 */
@ApplicationScoped
public class AuthorizationCodes {

    /** How long a used code is remembered for replay detection: as long as its tokens live. */
    private static final Duration USED_MEMORY = Duration.ofSeconds(86_400 + 300);

    /**
     * KEYS[1] = the code, KEYS[2] = its used-marker; ARGV[1] = the marker's TTL.
     * Returns {1, data} for a first use, {2, grantId} for a replay, {0} for an unknown code.
     */
    private static final String REDEEM = """
            local data = redis.call('GET', KEYS[1])
            if data then
              redis.call('DEL', KEYS[1])
              local grant = cjson.decode(data)['grant_id']
              redis.call('SET', KEYS[2], grant, 'EX', ARGV[1])
              return {1, data}
            end
            local used = redis.call('GET', KEYS[2])
            if used then
              return {2, used}
            end
            return {0}""";

    /** The outcome of presenting a code at the token endpoint. */
    public sealed interface Redemption {
        /** The first use: the code's bindings. */
        record Redeemed(AuthorizationCode code) implements Redemption {
        }

        /** The code was used before: the grant it started must be revoked. */
        record Replayed(String grantId) implements Redemption {
        }

        /** Never issued, or expired. */
        record Unknown() implements Redemption {
        }
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    AuthorizationCodes(ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** Stores the bindings under a new code (≥128 bits: 256 here) and returns the code. */
    public Uni<String> issue(AuthorizationCode code, Duration ttl) {
        String value = Secrets.randomHex(32);
        String data;
        try {
            data = json.writeValueAsString(code);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.value(String.class).set(keys.authorizationCode(hash(value)), data, new SetArgs().ex(ttl).nx())
                .replaceWith(value);
    }

    public Uni<Redemption> redeem(String code) {
        if (code == null || code.length() > 128) {
            return Uni.createFrom().item(new Redemption.Unknown());
        }
        String hash = hash(code);
        List<String> args = List.of(REDEEM, "2", keys.authorizationCode(hash), keys.usedAuthorizationCode(hash),
                Long.toString(USED_MEMORY.toSeconds()));
        return redis.execute("EVAL", args.toArray(String[]::new)).map(this::toRedemption);
    }

    private Redemption toRedemption(Response r) {
        int kind = r.get(0).toInteger();
        if (kind == 1) {
            try {
                return new Redemption.Redeemed(json.readValue(r.get(1).toString(), AuthorizationCode.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable authorization code data", e);
            }
        }
        return kind == 2 ? new Redemption.Replayed(r.get(1).toString()) : new Redemption.Unknown();
    }

    private static String hash(String code) {
        return java.util.HexFormat.of().formatHex(Secrets.sha256(code));
    }
}
