package io.keyfair.common.user;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.mutiny.sqlclient.Row;

/**
 * What userinfo and ID tokens may tell about a user (a row of `users`), and which of it each
 * scope releases (CONTRACT.md, "UserInfo"; OpenID Connect Core §5.4). The one place that decides
 * it, so an ID token and userinfo always say the same.
 *
 * @param updatedAt epoch seconds
 * @param roles in the order stored, possibly empty
 */
public record UserClaims(
        String username,
        String email,
        boolean emailVerified,
        String name,
        boolean sellerVerified,
        LocalDate sellerSince,
        List<String> roles,
        long updatedAt) {

    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final String SELLER = "seller";
    public static final String ROLES = "roles";

    /** The columns of `users` that {@link #of(Row)} reads, for a select list. */
    public static final String COLUMNS = "username, email, email_verified, name, seller_verified, seller_since, roles, updated_at";

    /** The claims of a row that has {@link #COLUMNS}. */
    public static UserClaims of(Row row) {
        return new UserClaims(
                row.getString("username"),
                row.getString("email"),
                row.getBoolean("email_verified"),
                row.getString("name"),
                row.getBoolean("seller_verified"),
                row.getLocalDate("seller_since"),
                roles(row.getString("roles")),
                row.getOffsetDateTime("updated_at").toEpochSecond());
    }

    /**
     * The claims the granted scopes release, always with `sub`. A claim without a value is left
     * out rather than sent as null, as OpenID Connect Core §5.3.2 asks ("SHOULD NOT be present
     * with a null or empty string value") and as Keycloak does: `name`, `email` and
     * `seller_since` may be absent, and `email_verified` goes with `email` because it says
     * something only about an address. `roles` is always an array, empty when the user has none.
     */
    public Map<String, Object> releasedTo(String subject, Set<String> scopes) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject);
        if (scopes.contains(PROFILE)) {
            putPresent(claims, "name", name);
            claims.put("preferred_username", username);
            claims.put("updated_at", updatedAt);
        }
        if (scopes.contains(EMAIL) && email != null) {
            claims.put("email", email);
            claims.put("email_verified", emailVerified);
        }
        if (scopes.contains(SELLER)) {
            claims.put("seller_verified", sellerVerified);
            putPresent(claims, "seller_since", sellerSince == null ? null : sellerSince.toString());
        }
        if (scopes.contains(ROLES)) {
            claims.put("roles", roles);
        }
        return claims;
    }

    /** The `roles` column is space separated (V1__schema.sql). */
    private static List<String> roles(String column) {
        return column == null || column.isBlank() ? List.of() : List.of(column.trim().split(" +"));
    }

    private static void putPresent(Map<String, Object> claims, String name, Object value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
