package io.keyfair.authorize.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** Writes and reads `users` (this service is the table's only writer). */
@ApplicationScoped
public class Users {

    /** Creates a user from validated input and an already computed password hash. */
    @WithTransaction
    public Uni<UserEntity> create(UserInput in, String passwordHash) {
        return requireFreeUsername(in.username(), null).flatMap(free -> {
            UserEntity u = new UserEntity();
            u.id = UUID.randomUUID();
            u.username = in.username();
            u.passwordHash = passwordHash;
            u.emailVerified = false;
            u.sellerVerified = false;
            u.roles = "";
            u.createdAt = Instant.now();
            apply(u, in, null);
            return u.<UserEntity>persist();
        });
    }

    @WithSession
    public Uni<UserEntity> find(UUID id) {
        return UserEntity.findById(id);
    }

    /** The user's username, or empty when the user is gone. */
    @WithSession
    public Uni<Optional<String>> username(UUID id) {
        return UserEntity.<UserEntity>findById(id).map(u -> Optional.ofNullable(u).map(found -> found.username));
    }

    /**
     * Applies the given fields; a new password arrives already hashed.
     *
     * @return the updated user, or null when there is none
     */
    @WithTransaction
    public Uni<UserEntity> update(UUID id, UserInput in, String newPasswordHash) {
        return UserEntity.<UserEntity>findById(id).flatMap(u -> {
            if (u == null) {
                return Uni.createFrom().nullItem();
            }
            Uni<Void> check = in.has("username") && !in.username().equals(u.username)
                    ? requireFreeUsername(in.username(), id)
                    : Uni.createFrom().voidItem();
            return check.map(ok -> {
                if (in.has("username")) {
                    u.username = in.username();
                }
                apply(u, in, newPasswordHash);
                return u;
            });
        });
    }

    /** Deletes a user; consents and refresh families go with it (foreign keys cascade). */
    @WithTransaction
    public Uni<Boolean> delete(UUID id) {
        return UserEntity.deleteById(id);
    }

    private static void apply(UserEntity u, UserInput in, String newPasswordHash) {
        if (newPasswordHash != null) {
            u.passwordHash = newPasswordHash;
        }
        if (in.has("email")) {
            u.email = in.email();
        }
        if (in.emailVerified() != null) {
            u.emailVerified = in.emailVerified();
        }
        if (in.has("name")) {
            u.name = in.name();
        }
        if (in.sellerVerified() != null) {
            u.sellerVerified = in.sellerVerified();
        }
        if (in.has("seller_since")) {
            u.sellerSince = in.sellerSince();
        } else if (u.sellerVerified && u.sellerSince == null) {
            // a seller verified without a date became one today: userinfo's seller_since is then set
            u.sellerSince = LocalDate.now(ZoneOffset.UTC);
        }
        if (in.roles() != null) {
            u.roles = String.join(" ", in.roles());
        }
        u.updatedAt = Instant.now();
    }

    private static Uni<Void> requireFreeUsername(String username, UUID except) {
        Uni<Long> taken = except == null
                ? UserEntity.count("username", username)
                : UserEntity.count("username = ?1 and id <> ?2", username, except);
        return taken.map(n -> {
            if (n > 0) {
                throw conflict();
            }
            return null;
        });
    }

    static OAuthException conflict() {
        return OAuthException.of(OAuthError.CONFLICT, "A user with this username already exists");
    }
}
