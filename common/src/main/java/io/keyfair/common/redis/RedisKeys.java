package io.keyfair.common.redis;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.RedisConfig;

/** The one place that names Redis keys and channels, so every service agrees on them. */
@ApplicationScoped
public class RedisKeys {

    private final String prefix;

    RedisKeys(RedisConfig config) {
        this.prefix = config.prefix();
    }

    /** A revoked access token's `jti`; lives as long as the token would have. */
    public String revokedAccessToken(String jti) {
        return prefix + "revoked:jti:" + jti;
    }

    /**
     * Epoch milliseconds before which every access token of this client is void (set on
     * suspension and deletion); lives as long as the longest access token.
     */
    public String clientTokensRevokedBefore(String clientId) {
        return prefix + "revoked:client:" + clientId;
    }

    /** Channel on which the registry names a client whose record changed. */
    public String clientChangesChannel() {
        return prefix + "client-changes";
    }
}
