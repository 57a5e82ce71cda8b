package io.keyfair.authorize.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The session cookie's name and attributes under an https and an http issuer. */
class SessionCookieTest {

    @Test
    void underAnHttpsIssuerTheSessionCookieIsAHostPrefixedSecureCookieForTheWholeHostOnly() {
        SessionCookie cookie = new SessionCookie(true);
        assertEquals("__Host-kf_session", cookie.name());
        assertEquals("__Host-kf_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure", cookie.set("abc"));
        assertEquals("__Host-kf_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax; Secure",
                cookie.clear());
    }

    @Test
    void underAnHttpIssuerTheSessionCookieHasItsPlainName() {
        SessionCookie cookie = new SessionCookie(false);
        assertEquals("kf_session", cookie.name());
        assertEquals("kf_session=abc; Path=/; HttpOnly; SameSite=Lax", cookie.set("abc"));
        assertEquals("kf_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax",
                cookie.clear());
    }
}
