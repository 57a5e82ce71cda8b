package io.keyfair.common.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/**
 * Tokens that stopped working before they expired, kept in Redis so every service sees it at
 * once: one access token by `jti`; every token of a grant (code replay, refresh-token reuse,
 * revocation of a refresh token); every token of a client issued before a cut-off (suspension,
 * deletion); every token of one user's grant to one client issued before a cut-off (the
 * connection was removed). One round trip to ask.
 */
@ApplicationScoped
public class RevocationList {

    /** Longer than any access token lives (the largest `access_token_ttl` is 86,400 s). */
    private static final Duration ACCESS_TOKEN_MEMORY = Duration.ofSeconds(86_400 + 300);

    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final Duration userClientMemory;

    RevocationList(ReactiveRedisDataSource redis, RedisKeys keys, OAuthConfig config) {
        this.values = redis.value(String.class);
        this.keys = keys;
        // a refresh family outlives its last use by at most the refresh-token lifetime
        this.userClientMemory = config.refreshTokenTtl().plus(Duration.ofDays(1));
    }

    /** Whether the access token was revoked in any of the ways above. */
    public Uni<Boolean> isRevoked(VerifiedAccessToken token) {
        List<String> asked = new ArrayList<>(4);
        String jtiKey = keys.revokedAccessToken(token.jti());
        String clientKey = keys.clientTokensRevokedBefore(token.clientId());
        asked.add(jtiKey);
        asked.add(clientKey);
        String grantKey = token.grantId() == null ? null : keys.revokedGrant(token.grantId());
        if (grantKey != null) {
            asked.add(grantKey);
        }
        String userKey = token.isClientToken() ? null : keys.userClientTokensRevokedBefore(token.clientId(), token.subject());
        if (userKey != null) {
            asked.add(userKey);
        }
        long issuedAtMillis = token.issuedAt() * 1000;
        return values.mget(asked.toArray(String[]::new)).map(found -> found.get(jtiKey) != null
                || (grantKey != null && found.get(grantKey) != null)
                // iat has second precision: a token from the second of a cut-off counts as before it
                || before(issuedAtMillis, found.get(clientKey))
                || (userKey != null && before(issuedAtMillis, found.get(userKey))));
    }

    /**
     * Whether a grant (a refresh family) was revoked as a whole, or its user removed the
     * connection after the grant was made.
     */
    public Uni<Boolean> isGrantRevoked(String grantId, String clientId, String userId, long grantCreatedAtMillis) {
        String grantKey = keys.revokedGrant(grantId);
        String userKey = keys.userClientTokensRevokedBefore(clientId, userId);
        return values.mget(grantKey, userKey)
                .map(found -> found.get(grantKey) != null || before(grantCreatedAtMillis, found.get(userKey)));
    }

    private static boolean before(long millis, String cutoffMillis) {
        return cutoffMillis != null && millis < Long.parseLong(cutoffMillis);
    }

    /** Revokes one access token until it would have expired anyway. */
    public Uni<Void> revoke(String jti, long expiresAtEpochSeconds) {
        long ttl = expiresAtEpochSeconds - System.currentTimeMillis() / 1000;
        if (ttl <= 0) {
            return Uni.createFrom().voidItem();
        }
        return values.set(keys.revokedAccessToken(jti), "1", new SetArgs().ex(ttl + 1));
    }

    /** Voids every access token a grant issued. */
    public Uni<Void> revokeGrant(String grantId) {
        return values.set(keys.revokedGrant(grantId), "1", new SetArgs().ex(ACCESS_TOKEN_MEMORY));
    }

    /** Voids every access token the client holds now. */
    public Uni<Void> revokeAllOfClient(String clientId) {
        return values.set(keys.clientTokensRevokedBefore(clientId), Long.toString(System.currentTimeMillis()),
                new SetArgs().ex(ACCESS_TOKEN_MEMORY));
    }

    /** Voids every access and refresh token one user's grant to one client issued so far. */
    public Uni<Void> revokeAllOfUserAndClient(String clientId, String userId) {
        return values.set(keys.userClientTokensRevokedBefore(clientId, userId), Long.toString(System.currentTimeMillis()),
                new SetArgs().ex(userClientMemory));
    }
}
