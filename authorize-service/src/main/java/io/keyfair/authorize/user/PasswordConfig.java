package io.keyfair.authorize.user;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Argon2id cost of new password hashes. Stored hashes carry their own parameters, so raising
 * these affects new and changed passwords only. Values below the OWASP minimum (19 MiB, 2
 * passes, 1 lane) stop the service at start-up.
 */
@ConfigMapping(prefix = "keyfair.authorize.password")
public interface PasswordConfig {

    /** Memory per hash, in KiB (at least 19456). */
    @WithDefault("19456")
    int memoryKib();

    /** Passes over the memory (at least 2). */
    @WithDefault("2")
    int iterations();

    /** Lanes (at least 1). */
    @WithDefault("1")
    int parallelism();

    /**
     * How many hashes may be computed at once (default: the number of processors). Each holds
     * its memory cost while it runs, so this bounds the heap a burst of logins can take; the
     * rest wait their turn on worker threads.
     */
    Optional<Integer> maxConcurrent();
}
