package io.keyfair.registry.secret;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer to a secret rotation: the new secret, shown this once.
 *
 * @param previousSecretExpiresAt epoch seconds until which the old secret still works; absent
 *        when it was retired at once
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RotatedSecret(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_secret") String clientSecret,
        @JsonProperty("previous_secret_expires_at") Long previousSecretExpiresAt) {
}
