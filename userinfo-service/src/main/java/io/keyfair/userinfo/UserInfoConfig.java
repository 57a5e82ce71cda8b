package io.keyfair.userinfo;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the userinfo endpoint reads users. */
@ConfigMapping(prefix = "keyfair.userinfo")
public interface UserInfoConfig {

    /** The longest a cache may serve a user's claims: nothing tells this service a user changed. */
    Duration MAX_CLAIMS_CACHE_TTL = Duration.ofSeconds(5);

    /**
     * How long a user's claims are served from memory before PostgreSQL is read again, so a
     * change or a deletion shows within this time. At most {@code PT5S}; {@code PT0S} reads the
     * user on every request.
     */
    @WithDefault("PT5S")
    Duration claimsCacheTtl();

    /** How many users the cache holds at most; past this it starts over. */
    @WithDefault("100000")
    int claimsCacheSize();
}
