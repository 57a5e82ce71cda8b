package io.keyfair.common.cors;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which of a service's paths answer browsers on other origins (CONTRACT "Browser apps (CORS)").
 * A path listed in neither set never sends a CORS header: the authorization endpoint, the pages,
 * the registry and PAR stay out of reach of other origins' scripts.
 */
@ConfigMapping(prefix = "keyfair.cors")
public interface CorsConfig {

    /**
     * Paths whose answers any origin may read (`Access-Control-Allow-Origin: *`): public
     * documents such as discovery and the JWKS. An entry ending in `/*` is a prefix.
     */
    Optional<Set<String>> publicPaths();

    /**
     * Paths a browser app may call from an origin its client registered in
     * `allowed_cors_origins`; exact paths.
     */
    Optional<Set<String>> clientPaths();

    /** The methods a preflight to a client path is told are allowed. */
    @WithDefault("POST")
    List<String> clientMethods();

    /** How long a browser may reuse a preflight's answer (`Access-Control-Max-Age`). */
    @WithDefault("PT10M")
    Duration preflightMaxAge();

    /**
     * How long the set of origins that approved clients registered is used before PostgreSQL is
     * read again, besides being reread after any client change.
     */
    @WithDefault("PT30S")
    Duration originsRefresh();
}
