package io.keyfair.authorize.login;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Throttling of failed logins (OWASP Authentication Cheat Sheet): per account name, which stops
 * guessing one user's password, and per client address, which stops trying one password on
 * many accounts. Past a limit the login page answers 429 with `Retry-After` until the window
 * of the first counted failure ends.
 */
@ConfigMapping(prefix = "keyfair.authorize.login")
public interface LoginConfig {

    /** Failed logins for one account name within the window before it is throttled. */
    @WithDefault("5")
    int maxFailuresPerAccount();

    /**
     * Failed logins from one client address within the window before it is throttled; lenient,
     * since many users can share one address (a NAT, a corporate proxy).
     */
    @WithDefault("100")
    int maxFailuresPerAddress();

    /** How long a failure counts. */
    @WithDefault("PT15M")
    Duration failureWindow();
}
