package io.keyfair.registry.console;

import java.util.Arrays;
import java.util.List;

/**
 * What a signed-in user may do in the operator console, from the `roles` of their row in the
 * users table (ID tokens need not carry roles): `operator` acts, `support` only reads, anyone
 * else sees a 403 page.
 */
public enum ConsoleRole {
    OPERATOR, SUPPORT, NONE;

    /** The role of a user's stored roles (space separated; commas tolerated). */
    static ConsoleRole of(String stored) {
        if (stored == null) {
            return NONE;
        }
        List<String> roles = Arrays.asList(stored.trim().split("[\\s,]+"));
        if (roles.contains("operator")) {
            return OPERATOR;
        }
        return roles.contains("support") ? SUPPORT : NONE;
    }

    boolean reads() {
        return this != NONE;
    }

    boolean acts() {
        return this == OPERATOR;
    }
}
