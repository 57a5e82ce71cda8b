package io.keyfair.common.clientauth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Throttling of failed client authentication at the token, revocation, introspection and PAR
 * endpoints, per client id and client address. A client id is public, so wrong secrets must
 * neither lock the client out everywhere nor suspend it: only the address that keeps failing
 * waits, with `429 rate_limited` and `Retry-After`, until the window of its first counted failure
 * ends.
 */
@ConfigMapping(prefix = "keyfair.client-auth")
public interface ClientAuthConfig {

    /**
     * Failed authentications one client id may have from one address within the window; the next
     * request from that address, even with the right secret, gets 429 until the window ends.
     */
    @WithDefault("20")
    int maxFailures();

    /** How long a failure counts, from the first failure of the window. */
    @WithDefault("PT10M")
    Duration failureWindow();
}
