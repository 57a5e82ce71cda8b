package io.keyfair.common.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What every service adds to its HTTP responses. */
@ConfigMapping(prefix = "keyfair.http")
public interface HttpConfig {

    /**
     * `max-age` of the `Strict-Transport-Security` header every response to an https request
     * carries (RFC 6797; never sent over plain http). `KEYFAIR_HSTS_MAX_AGE`; `deploy/local/up`
     * shortens it under `KEYFAIR_TLS=1`, since browsers apply HSTS to every port of localhost.
     */
    @WithDefault("P365D")
    Duration hstsMaxAge();
}
