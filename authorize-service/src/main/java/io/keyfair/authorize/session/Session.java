package io.keyfair.authorize.session;

/**
 * A signed-in browser.
 *
 * @param id the cookie value; never stored (Redis holds its SHA-256) and never logged
 * @param authTime epoch seconds of the login (OpenID Connect `auth_time`)
 */
public record Session(String id, String userId, long authTime) {
}
