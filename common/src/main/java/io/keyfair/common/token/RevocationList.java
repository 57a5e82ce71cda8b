package io.keyfair.common.token;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Access tokens that stopped working before they expired: single tokens by `jti`, and every
 * token of a client issued before a cut-off (suspension, deletion). One Redis round trip to ask.
 */
@ApplicationScoped
public class RevocationList {

    /** Longer than any access token lives (the largest `access_token_ttl` is 86,400 s). */
    private static final Duration CLIENT_CUTOFF_TTL = Duration.ofSeconds(86_400 + 300);

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;

    RevocationList(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.values = redis.value(String.class);
        this.keys = keys;
    }

    /** Whether the token was revoked, alone or with all of its client's tokens. */
    public Uni<Boolean> isRevoked(VerifiedAccessToken token) {
        String jtiKey = keys.revokedAccessToken(token.jti());
        String clientKey = keys.clientTokensRevokedBefore(token.clientId());
        return values.mget(jtiKey, clientKey).map(found -> isRevoked(token, found.get(jtiKey), found.get(clientKey)));
    }

    private static boolean isRevoked(VerifiedAccessToken token, String revokedJti, String clientCutoffMillis) {
        if (revokedJti != null) {
            return true;
        }
        // iat has second precision: a token from the second of the cut-off counts as before it
        return clientCutoffMillis != null && token.issuedAt() * 1000 < Long.parseLong(clientCutoffMillis);
    }

    /** Revokes one access token until it would have expired anyway. */
    public Uni<Void> revoke(String jti, long expiresAtEpochSeconds) {
        long ttl = expiresAtEpochSeconds - System.currentTimeMillis() / 1000;
        if (ttl <= 0) {
            return Uni.createFrom().voidItem();
        }
        return values.set(keys.revokedAccessToken(jti), "1", new SetArgs().ex(ttl + 1));
    }

    /** Voids every access token the client holds now. */
    public Uni<Void> revokeAllOfClient(String clientId) {
        return values.set(keys.clientTokensRevokedBefore(clientId), Long.toString(System.currentTimeMillis()),
                new SetArgs().ex(CLIENT_CUTOFF_TTL));
    }
}
