package io.keyfair.registry.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.secret.Secrets;

/**
 * Cross-site request forgery defence for the portal's and the console's forms, as on the login
 * pages (authorize-service's page/Csrf): a double-submit token (a random value in an HttpOnly,
 * SameSite=Strict cookie and the same value in a hidden input), plus the `Origin` header, which
 * must name our own origin when a browser sends it. Its own cookie name, so it never replaces the
 * login pages' token.
 */
@ApplicationScoped
public class Csrf {

    /** The hidden input's name. */
    public static final String FIELD = "csrf";

    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");

    private final String origin;
    private final boolean secure;
    private final String cookieName;

    Csrf(OAuthConfig oauth) {
        URI issuer = URI.create(oauth.issuer());
        this.origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        this.secure = "https".equals(issuer.getScheme());
        // under https the __Host- prefix stops a sibling subdomain from planting its own token
        this.cookieName = secure ? "__Host-kf_portal_csrf" : "kf_portal_csrf";
    }

    /** The token for a page with a form: the browser's current one, or a new one to set. */
    public Token token(HttpHeaders headers) {
        String current = read(headers);
        if (current != null && TOKEN.matcher(current).matches()) {
            return new Token(current, null);
        }
        String fresh = Secrets.randomHex(32);
        return new Token(fresh, cookieName + "=" + fresh + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
    }

    /**
     * Whether a form submission comes from one of our own pages: the hidden input equals the
     * cookie, and the `Origin` header, when present, is ours.
     */
    public boolean accepts(HttpHeaders headers, UriInfo uri, String submitted) {
        String cookie = read(headers);
        if (cookie == null || submitted == null || !TOKEN.matcher(cookie).matches()) {
            return false;
        }
        boolean same = MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
        return same && sameOrigin(headers.getHeaderString("Origin"), uri);
    }

    private String read(HttpHeaders headers) {
        Cookie c = headers.getCookies().get(cookieName);
        return c == null || c.getValue() == null || c.getValue().isEmpty() ? null : c.getValue();
    }

    private boolean sameOrigin(String given, UriInfo uri) {
        if (given == null) {
            return true; // not sent by older browsers for same-origin posts; the token still decides
        }
        if (given.equals(origin)) {
            return true;
        }
        // the address the request reached, when the service is used without the ingress
        URI base = uri.getBaseUri();
        return given.equalsIgnoreCase(base.getScheme() + "://" + base.getRawAuthority());
    }

    /**
     * A CSRF token for a page, and the `Set-Cookie` header to send when it is new.
     *
     * @param setCookie null when the browser already holds the token
     */
    public record Token(String value, String setCookie) {
    }
}
