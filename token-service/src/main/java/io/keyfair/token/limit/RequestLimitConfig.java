package io.keyfair.token.limit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Request limits per client at the token, revocation and introspection endpoints, counted in
 * Redis across every replica per client and minute (CONTRACT "Errors, limits, bad input"). An
 * admin overrides them per client with the `rate_limits` metadata.
 */
@ConfigMapping(prefix = "keyfair.limits")
public interface RequestLimitConfig {

    /** `client_credentials` token requests one client may make per minute. */
    @WithDefault("60")
    int clientCredentialsPerMinute();

    /** Every other request (other grants, revocation, introspection) one client may make per minute. */
    @WithDefault("6000")
    int otherPerMinute();

    /**
     * How long a request waits for Redis to count it; past this it goes through uncounted (limits
     * protect capacity, and availability wins over them).
     */
    @WithDefault("PT0.2S")
    Duration redisTimeout();
}
