package io.keyfair.registry.registration;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A new initial access token, shown this once; only its SHA-256 is stored.
 *
 * @param expiresIn seconds it stays usable, for any number of registrations
 */
@RegisterForReflection
public record IssuedInitialAccessToken(
        @JsonProperty("token") String token,
        @JsonProperty("expires_in") int expiresIn) {
}
