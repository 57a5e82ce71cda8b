package io.keyfair.authorize.authorization;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Authorization requests waiting for the user. */
@ConfigMapping(prefix = "keyfair.authorize.request")
public interface RequestConfig {

    /**
     * How long a validated authorization request is kept while the user logs in and consents;
     * past it the user starts again from the app.
     */
    @WithDefault("PT10M")
    Duration ttl();

    /**
     * How many authorization requests that wait for the user one client address may leave in
     * Redis per {@link #rateWindow()}; past it the browser gets 429 with `Retry-After`. Each is a
     * few hundred bytes kept for {@link #ttl()}, so this bounds what anonymous requests can store.
     */
    @WithDefault("60")
    int maxPerAddress();

    /** The window of {@link #maxPerAddress()}. */
    @WithDefault("PT1M")
    Duration rateWindow();

    /**
     * How long the continuation of a framed authorization waits for the browser: the page it
     * renders continues at once, so this only needs to cover a slow network.
     */
    @WithDefault("PT1M")
    Duration framedContinuationTtl();
}
