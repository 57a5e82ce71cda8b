package io.keyfair.userinfo;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What userinfo may tell about a user (a row of `users`), and which of it each scope releases
 * (CONTRACT.md, "UserInfo"; OpenID Connect Core §5.4).
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

    private static void putPresent(Map<String, Object> claims, String name, Object value) {
        if (value != null) {
            claims.put(name, value);
        }
    }
}
