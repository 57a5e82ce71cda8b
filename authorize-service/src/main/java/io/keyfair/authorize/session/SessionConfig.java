package io.keyfair.authorize.session;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Login sessions: a random id in the session cookie ({@link SessionCookie}), the state in Redis. */
@ConfigMapping(prefix = "keyfair.authorize.session")
public interface SessionConfig {

    /** A session unused for this long ends (each use starts the idle time again). */
    @WithDefault("PT12H")
    Duration idleTimeout();

    /** A session ends this long after the login at the latest, however much it is used. */
    @WithDefault("P7D")
    Duration maxAge();
}
