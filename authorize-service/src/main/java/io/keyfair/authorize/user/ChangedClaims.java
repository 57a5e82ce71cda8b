package io.keyfair.authorize.user;

import java.util.Objects;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The claims a change of a user altered, with their new values, grouped by the scope that
 * releases them as userinfo does (CONTRACT.md, "UserInfo"): `profile` → `name`,
 * `preferred_username`; `email` → `email`, `email_verified`; `seller` → `seller_verified`,
 * `seller_since`; `roles` → `roles`. An app hears (CAEP token-claims-change) only of the claims of
 * the scopes it was granted. `updated_at` changes with every write and is no news on its own.
 */
final class ChangedClaims {

    private ChangedClaims() {
    }

    /** `{"scope": {"claim": new value}}` for every claim that differs; empty when none does. */
    static JsonObject byScope(User before, User after) {
        JsonObject changed = new JsonObject();
        put(changed, "profile", "name", before.name(), after.name());
        put(changed, "profile", "preferred_username", before.username(), after.username());
        put(changed, "email", "email", before.email(), after.email());
        put(changed, "email", "email_verified", before.emailVerified(), after.emailVerified());
        put(changed, "seller", "seller_verified", before.sellerVerified(), after.sellerVerified());
        put(changed, "seller", "seller_since", date(before), date(after));
        if (!before.roles().equals(after.roles())) {
            scope(changed, "roles").put("roles", new JsonArray(after.roles()));
        }
        return changed;
    }

    private static String date(User u) {
        return u.sellerSince() == null ? null : u.sellerSince().toString();
    }

    private static void put(JsonObject changed, String scope, String claim, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            scope(changed, scope).put(claim, after);
        }
    }

    private static JsonObject scope(JsonObject changed, String scope) {
        JsonObject claims = changed.getJsonObject(scope);
        if (claims == null) {
            claims = new JsonObject();
            changed.put(scope, claims);
        }
        return claims;
    }
}
