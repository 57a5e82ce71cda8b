package io.keyfair.authorize.login;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Throttling of logins (OWASP Authentication Cheat Sheet), counted before the password is
 * checked: per account name and client address together, with a delay that doubles with each
 * failure past a limit, which slows guessing one user's password without letting anyone lock
 * that user out from elsewhere; and per client address, which stops trying one password on many
 * accounts. A refused login answers 429 with `Retry-After`.
 */
@ConfigMapping(prefix = "keyfair.authorize.login")
public interface LoginConfig {

    /**
     * Failed logins for one account name from one client address before each further attempt
     * from that pair has to wait ({@link #firstDelay()}, doubling).
     */
    @WithDefault("5")
    int maxFailuresPerAccountAndAddress();

    /** The wait after the last failure within the limit; it doubles with each further failure. */
    @WithDefault("PT1S")
    Duration firstDelay();

    /** The longest wait between two attempts of one account name from one client address. */
    @WithDefault("PT15M")
    Duration maxDelay();

    /**
     * Failed logins from one client address within the window before it is throttled; lenient,
     * since many users can share one address (a NAT, a corporate proxy).
     */
    @WithDefault("100")
    int maxFailuresPerAddress();

    /**
     * How long a failure counts: an address's failures for this long from its first counted
     * one; an account-and-address pair's for this long after its last failure and delay.
     */
    @WithDefault("PT15M")
    Duration failureWindow();
}
