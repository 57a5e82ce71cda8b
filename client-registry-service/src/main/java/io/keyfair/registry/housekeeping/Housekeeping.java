package io.keyfair.registry.housekeeping;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.event.Observes;

import io.keyfair.common.housekeeping.Purge;
import io.keyfair.common.housekeeping.Purges;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the registry wrote and no longer needs, purged by common's {@link Purges}: client secrets
 * whose overlap window ended and expired initial access tokens.
 */
public class Housekeeping {

    /** When to purge. */
    @ConfigMapping(prefix = "keyfair.registry.housekeeping")
    public interface Config {

        /** How often to purge. */
        @WithDefault("PT10M")
        Duration interval();
    }

    void onStart(@Observes StartupEvent event, Purges purges, Config config) {
        purges.every(config.interval(), PURGES);
    }

    /** Every table the registry writes that holds rows with an end. */
    static final List<Purge> PURGES = List.of(
            new Purge("ended client secrets", "client_secrets", "id",
                    "expires_at < now() - make_interval(secs => $1)", Duration.ZERO),
            new Purge("expired initial access tokens", "initial_access_tokens", "token_hash",
                    "expires_at < now() - make_interval(secs => $1)", Duration.ZERO));
}
