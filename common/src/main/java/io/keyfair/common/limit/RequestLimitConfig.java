package io.keyfair.common.limit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Request limits per client at the token, revocation and introspection endpoints, per fixed
 * minute and counted across every replica (CONTRACT "Errors, limits, bad input"). An admin
 * overrides them per client with the `rate_limits` metadata.
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
     * How often this instance adds its local counts to the shared counters in Redis and reads
     * back the totals of every replica: how stale a replica's view of the others may be.
     */
    @WithDefault("PT0.1S")
    Duration flushInterval();

    /**
     * How long one flush waits for Redis; past this its counts stay local and go with the next
     * flush (limits fail open: they protect capacity, and availability wins over them).
     */
    @WithDefault("PT1S")
    Duration flushTimeout();
}
