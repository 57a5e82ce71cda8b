package io.keyfair.common.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The bootstrap admin client, created or updated by token-service at start-up. */
@ConfigMapping(prefix = "keyfair.admin")
public interface AdminClientConfig {

    /** Its client id (`KEYFAIR_ADMIN_CLIENT_ID`). */
    Optional<String> clientId();

    /** Its secret (`KEYFAIR_ADMIN_CLIENT_SECRET`); only its SHA-256 is stored. */
    Optional<String> clientSecret();

    /** Whether this is the bootstrap admin client, which no API may disable. */
    default boolean isAdminClient(String clientId) {
        return clientId().map(id -> id.equals(clientId)).orElse(false);
    }
}
