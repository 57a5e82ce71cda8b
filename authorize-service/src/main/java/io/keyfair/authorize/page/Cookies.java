package io.keyfair.authorize.page;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Our cookies: always `HttpOnly`, `SameSite=Lax`, `Path=/`, never `Domain`, and `Secure` under an
 * https issuer.
 */
public final class Cookies {

    /**
     * The prefix of a cookie the browser keeps only if `Secure`, `Path=/` and without `Domain`
     * (RFC 6265bis §4.1.3.2), as {@link #set} writes them under https: no subdomain can set it.
     */
    public static final String HOST_PREFIX = "__Host-";

    private Cookies() {
    }

    /** A cookie that lives as long as the browser session. */
    public static String set(String name, String value, boolean secure) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** Tells the browser to drop the cookie. */
    public static String clear(String name, boolean secure) {
        return name + "=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }

    /** The value of a request cookie, or null. */
    public static String read(HttpHeaders headers, String name) {
        Cookie c = headers.getCookies().get(name);
        return c == null || c.getValue() == null || c.getValue().isEmpty() ? null : c.getValue();
    }
}
