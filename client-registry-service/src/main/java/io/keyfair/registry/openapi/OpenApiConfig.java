package io.keyfair.registry.openapi;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where `/admin/openapi` reads the other services' documents. */
@ConfigMapping(prefix = "keyfair.openapi")
public interface OpenApiConfig {

    /**
     * Each other service's own document (its `/q/openapi`), by service name. This service's own
     * document is read from itself, on the port the request came in on.
     */
    Map<String, String> sources();

    /** How long to wait for one service's document; a service that does not answer is left out (and named). */
    @WithDefault("PT5S")
    Duration timeout();
}
