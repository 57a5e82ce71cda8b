package io.keyfair.common.admin;

import io.keyfair.common.error.OAuthException;

/** The `limit` of the admin API's cursor-paged lists (connections, audit): 50 by default, at most 500. */
public final class Paging {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private Paging() {
    }

    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OAuthException.invalidRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }
}
