package io.keyfair.common.limit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The rules that suspend a client automatically (`suspended_by: "policy"`). Wrong secrets never
 * count: a client id is public, and failed authentication is throttled per address instead.
 */
@ConfigMapping(prefix = "keyfair.abuse")
public interface AbuseConfig {

    /**
     * Refresh-token reuse detections within {@link #reuseWindow()} that suspend the client,
     * counted from the refresh families PostgreSQL ended for reuse.
     */
    @WithDefault("3")
    int reuseCount();

    /** How long a refresh-token reuse detection counts towards {@link #reuseCount()}. */
    @WithDefault("PT24H")
    Duration reuseWindow();

    /**
     * Separate minutes within {@link #excessWindow()} in which the client went over a request
     * limit that suspend it, counted in Redis across every replica.
     */
    @WithDefault("10")
    int excessMinutes();

    /** How far back minutes over a request limit count towards {@link #excessMinutes()}; whole minutes. */
    @WithDefault("PT1H")
    Duration excessWindow();
}
