package io.keyfair.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Keyfair names what it keeps in Redis. */
@ConfigMapping(prefix = "keyfair.redis")
public interface RedisConfig {

    /**
     * Prefix of every key and pub/sub channel. Tests use their own, so that a test run never
     * disturbs a running stack (pub/sub channels are shared by every Redis database index).
     */
    @WithDefault("kf:")
    String prefix();
}
