package io.keyfair.authorize.authorize;

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
     * How long the continuation of a framed authorization waits for the browser: the page it
     * renders continues at once, so this only needs to cover a slow network.
     */
    @WithDefault("PT1M")
    Duration framedContinuationTtl();
}
