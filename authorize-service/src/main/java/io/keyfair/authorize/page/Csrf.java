package io.keyfair.authorize.page;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.common.secret.Secrets;

/**
 * Cross-site request forgery defence for our forms: a double-submit token (a random value in an
 * HttpOnly cookie and the same value in a hidden input), plus the `Origin` header, which must
 * name our own origin when a browser sends it.
 */
@ApplicationScoped
public class Csrf {

    /** The hidden input's name. */
    public static final String FIELD = "csrf";

    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{64}");

    private final Links links;
    private final String cookieName;

    Csrf(Links links) {
        this.links = links;
        // under https the __Host- prefix stops a sibling subdomain from planting its own token
        this.cookieName = links.secure() ? Cookies.HOST_PREFIX + "kf_csrf" : "kf_csrf";
    }

    /** The token for a page with a form: the browser's current one, or a new one to set. */
    public Token token(HttpHeaders headers) {
        String current = Cookies.read(headers, cookieName);
        if (current != null && TOKEN.matcher(current).matches()) {
            return new Token(current, null);
        }
        String fresh = Secrets.randomHex(32);
        return new Token(fresh, Cookies.set(cookieName, fresh, links.secure()));
    }

    /**
     * Whether a form submission comes from one of our own pages: the hidden input equals the
     * cookie, and the `Origin` header, when present, is ours.
     */
    public boolean accepts(HttpHeaders headers, UriInfo uri, String submitted) {
        String cookie = Cookies.read(headers, cookieName);
        if (cookie == null || submitted == null || !TOKEN.matcher(cookie).matches()) {
            return false;
        }
        boolean same = MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
        return same && sameOrigin(headers.getHeaderString("Origin"), uri);
    }

    private boolean sameOrigin(String origin, UriInfo uri) {
        if (origin == null) {
            return true; // not sent by older browsers for same-origin posts; the token still decides
        }
        if (origin.equals(links.origin())) {
            return true;
        }
        // the address the request reached, when the service is used without the ingress
        java.net.URI base = uri.getBaseUri();
        String reached = base.getScheme() + "://" + base.getRawAuthority();
        return origin.equalsIgnoreCase(reached);
    }

    /**
     * A CSRF token for a page, and the `Set-Cookie` header to send when it is new.
     *
     * @param setCookie null when the browser already holds the token
     */
    public record Token(String value, String setCookie) {
    }
}
