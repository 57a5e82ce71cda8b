package io.keyfair.authorize.user;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A row of `users`. Persistence only: the admin API reads {@link UserInput} and answers
 * {@link UserView}. Roles are space separated, as the schema stores them.
 */
@Entity
@Table(name = "users")
public class UserEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "username", nullable = false, unique = true, length = 128)
    public String username;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(name = "email")
    public String email;

    @Column(name = "email_verified", nullable = false)
    public boolean emailVerified;

    @Column(name = "name")
    public String name;

    @Column(name = "seller_verified", nullable = false)
    public boolean sellerVerified;

    @Column(name = "seller_since")
    public LocalDate sellerSince;

    @Column(name = "roles", nullable = false)
    public String roles;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
