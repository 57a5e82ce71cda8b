package io.keyfair.authorize.authorization;

import java.time.Duration;

import jakarta.enterprise.event.Observes;

import io.keyfair.common.config.OAuthConfig;
import io.quarkus.runtime.StartupEvent;

/** Settings the contract bounds are checked before the service takes a request. */
public class StartupChecks {

    static final Duration MIN_CODE_TTL = Duration.ofSeconds(30);
    static final Duration MAX_CODE_TTL = Duration.ofSeconds(60);

    void check(@Observes StartupEvent event, OAuthConfig oauth) {
        // CONTRACT.md: codes live 60 s, configurable between 30 and 60 s
        Duration ttl = oauth.codeTtl();
        if (ttl.compareTo(MIN_CODE_TTL) < 0 || ttl.compareTo(MAX_CODE_TTL) > 0) {
            throw new IllegalStateException("keyfair.oauth.code-ttl must be between 30 and 60 seconds, not " + ttl);
        }
    }
}
