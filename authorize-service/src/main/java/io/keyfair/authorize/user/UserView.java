package io.keyfair.authorize.user;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A user as the admin API shows it: never the password hash.
 *
 * @param sellerSince `YYYY-MM-DD`, or null
 * @param createdAt epoch seconds
 * @param updatedAt epoch seconds (what userinfo's `updated_at` says)
 */
@RegisterForReflection
public record UserView(
        String id,
        String username,
        String email,
        @JsonProperty("email_verified") boolean emailVerified,
        String name,
        @JsonProperty("seller_verified") boolean sellerVerified,
        @JsonProperty("seller_since") String sellerSince,
        List<String> roles,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("updated_at") long updatedAt) {

    static UserView of(User u) {
        return new UserView(u.id().toString(), u.username(), u.email(), u.emailVerified(), u.name(), u.sellerVerified(),
                u.sellerSince() == null ? null : u.sellerSince().toString(), u.roles(),
                u.createdAt().getEpochSecond(), u.updatedAt().getEpochSecond());
    }
}
