package io.keyfair.authorize.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A row of `users` as {@link Users} reads and writes it, without the password hash (only login
 * reads that, in {@code Credentials}). Persistence only: the admin API reads {@link UserInput}
 * and answers {@link UserView}.
 *
 * @param sellerSince the day the user became a verified seller, or null
 * @param roles stored space separated
 */
public record User(
        UUID id,
        String username,
        String email,
        boolean emailVerified,
        String name,
        boolean sellerVerified,
        LocalDate sellerSince,
        List<String> roles,
        Instant createdAt,
        Instant updatedAt) {

    /** A user that has only an id, a username and the defaults of the schema, created {@code now}. */
    static User created(String username, Instant now) {
        return new User(UUID.randomUUID(), username, null, false, null, false, null, List.of(), now, now);
    }

    /** This user with the given fields of {@code in} applied, updated {@code now}. */
    User with(UserInput in, Instant now) {
        boolean seller = in.sellerVerified() != null ? in.sellerVerified() : sellerVerified;
        LocalDate since = in.has("seller_since") ? in.sellerSince() : sellerSince;
        if (!in.has("seller_since") && seller && since == null) {
            // a seller verified without a date became one today: userinfo's seller_since is then set
            since = LocalDate.ofInstant(now, ZoneOffset.UTC);
        }
        return new User(id,
                in.has("username") ? in.username() : username,
                in.has("email") ? in.email() : email,
                in.emailVerified() != null ? in.emailVerified() : emailVerified,
                in.has("name") ? in.name() : name,
                seller,
                since,
                in.roles() != null ? List.copyOf(in.roles()) : roles,
                createdAt,
                now);
    }
}
