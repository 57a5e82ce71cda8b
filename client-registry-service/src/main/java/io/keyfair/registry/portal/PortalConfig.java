package io.keyfair.registry.portal;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The developer portal (`/developers/**`) and the sign-in it shares with the operator console. */
@ConfigMapping(prefix = "keyfair.portal")
public interface PortalConfig {

    /**
     * The id of the portal's own OIDC client (`KEYFAIR_PORTAL_CLIENT_ID`), which start-up creates
     * or updates as a trusted first-party client. Without it (or its secret) nobody can sign in
     * to the portal or the console.
     */
    Optional<String> clientId();

    /** Its secret (`KEYFAIR_PORTAL_CLIENT_SECRET`): at least 32 characters of randomness. */
    Optional<String> clientSecret();

    /** How many apps (of any type) one user may own. */
    @WithDefault("5")
    int maxAppsPerUser();

    /**
     * How long after a suspension its developer may ask for reinstatement. Unset, the default:
     * from the end of the month after the month of the suspension (UTC).
     */
    Optional<Duration> reinstatementCoolOff();

    /** Who may apply for a third-party app: `seller_verified` (users with seller_verified) or `any`. */
    @WithDefault("seller_verified")
    String applyRequires();
}
