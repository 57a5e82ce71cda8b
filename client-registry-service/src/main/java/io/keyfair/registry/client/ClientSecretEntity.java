package io.keyfair.registry.client;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A row of `client_secrets`: the SHA-256 of one secret, never the secret. The current secret has
 * no expiry; a rotated-out one keeps working until {@link #expiresAt}.
 */
@Entity
@Table(name = "client_secrets")
public class ClientSecretEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "client_id")
    public String clientId;

    @Column(name = "secret_hash")
    public byte[] secretHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** A new current secret of the client, stored as its digest. */
    public static ClientSecretEntity current(String clientId, byte[] secretHash, Instant now) {
        ClientSecretEntity secret = new ClientSecretEntity();
        secret.clientId = clientId;
        secret.secretHash = secretHash;
        secret.createdAt = now;
        return secret;
    }
}
