package io.keyfair.registry.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * RFC 7591 §3.2.1 client information response: the new client's view plus its secret, the only
 * time besides a rotation that the secret is shown. A public client gets neither member.
 *
 * @param clientSecretExpiresAt 0: secrets do not expire, they are rotated
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisteredClient(
        @JsonUnwrapped ClientView client,
        @JsonProperty("client_secret") String clientSecret,
        @JsonProperty("client_secret_expires_at") Long clientSecretExpiresAt) {
}
