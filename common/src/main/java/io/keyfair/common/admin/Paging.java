package io.keyfair.common.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.keyfair.common.error.OAuthException;

/**
 * The admin API's cursor-paged lists (connections, users, audit): `limit` is 50 by default and at
 * most 500, and `next` is the absolute URL of the following page.
 */
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

    /**
     * The `next` URL: the list at `path` under the issuer, with the same limit, the cursor, and
     * every filter given (`name, value` pairs; a null value is left out).
     */
    public static String next(String issuer, String path, int limit, String cursor, String... filters) {
        StringBuilder url = new StringBuilder(issuer).append(path).append("?limit=").append(limit)
                .append("&cursor=").append(encode(cursor));
        for (int i = 0; i < filters.length; i += 2) {
            if (filters[i + 1] != null) {
                url.append('&').append(filters[i]).append('=').append(encode(filters[i + 1]));
            }
        }
        return url.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
