package io.keyfair.authorize.page;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.OAuthConfig;

/**
 * URLs of our own pages, built from the issuer: the service sits behind the issuer's host (the
 * ingress), so a Location must name the issuer, not the address the request reached.
 */
@ApplicationScoped
public class Links {

    private final String issuer;
    private final String basePath;
    private final String origin;
    private final boolean secure;

    Links(OAuthConfig config) {
        String base = config.issuer().endsWith("/") ? config.issuer().substring(0, config.issuer().length() - 1) : config.issuer();
        URI uri = URI.create(base);
        this.issuer = base;
        this.basePath = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
        this.secure = "https".equalsIgnoreCase(uri.getScheme());
    }

    /** An absolute URL of one of our paths ("/login" → "https://issuer/login"). */
    public String absolute(String path) {
        return issuer + path;
    }

    /** A path as a form action or link on our own pages (the issuer's path prefix included). */
    public String path(String path) {
        return basePath + path;
    }

    /** The issuer's origin (scheme://host[:port]), the one our pages are served from. */
    public String origin() {
        return origin;
    }

    /** Whether cookies must be `Secure` (the issuer is https). */
    public boolean secure() {
        return secure;
    }

    public String login(String requestId) {
        return absolute("/login?req=" + encode(requestId));
    }

    public String loginThenReturn(String returnPath) {
        return absolute("/login?return=" + encode(returnPath));
    }

    public String consent(String requestId) {
        return absolute("/consent?req=" + encode(requestId));
    }

    public String accountApps() {
        return absolute("/account/apps");
    }

    /** The URI when it is http(s), else null: a `javascript:` link never reaches our pages. */
    public static String webOnly(String uri) {
        if (uri == null) {
            return null;
        }
        String lower = uri.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? uri : null;
    }

    /**
     * The URI when it is https, else null: what our pages show as an image (a client's logo), so
     * the page's `img-src https:` allows it and no image comes over plain http.
     */
    public static String httpsOnly(String uri) {
        return uri != null && uri.regionMatches(true, 0, "https://", 0, 8) ? uri : null;
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
