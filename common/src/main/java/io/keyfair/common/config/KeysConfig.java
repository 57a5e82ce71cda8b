package io.keyfair.common.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where signing keys come from (the signer) and where verifiers find the public ones. */
@ConfigMapping(prefix = "keyfair.keys")
public interface KeysConfig {

    /**
     * The JWK set with private keys (`KEYFAIR_KEYS_FILE`), mounted read-only into the services
     * that sign. Unset in services that only verify.
     */
    Optional<String> file();

    /**
     * How often a service holding the key file checks it for a change
     * (`KEYFAIR_KEYS_RELOAD_INTERVAL`): a changed, valid file replaces the keys without a restart;
     * a broken one is logged and the keys in use stay. Zero turns the check off.
     */
    @WithDefault("PT5S")
    java.time.Duration reloadInterval();

    /**
     * The JWKS verifiers use when they hold no key file (`KEYFAIR_JWKS_URL`): an http(s) URL of
     * token-service's `/oauth/jwks`, or a `file:` path to a JWK set whose public parts are used.
     */
    @WithDefault("http://127.0.0.1:8082/oauth/jwks")
    String jwksUrl();

    /** The shortest time between two fetches of the JWKS caused by an unknown `kid`. */
    @WithDefault("PT5S")
    java.time.Duration jwksRefetchInterval();

    /**
     * How often a verifier fetches the JWKS again on its own, so that a key removed from it
     * (retired and pruned after a rotation) stops being trusted within this time.
     */
    @WithDefault("PT5M")
    java.time.Duration jwksRefreshInterval();
}
