package io.keyfair.authorize.page;

import java.util.List;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Headers every response of this service carries. Pages may not be framed (clickjacking on the
 * login and consent forms), except where an endpoint already chose a `Content-Security-Policy`:
 * the authorize endpoint does so for a trusted client's registered `frame_ancestors`.
 */
public class SecurityHeaders {

    /** Our pages load nothing but inline styles and the client's logo, which they show only when it is https. */
    private static final String RESOURCES = "default-src 'none'; style-src 'unsafe-inline'; img-src https:; base-uri 'none'";
    static final String PAGE_POLICY = "frame-ancestors 'none'; " + RESOURCES;

    /** The page policy, except that these origins may frame the page. */
    public static String framableBy(List<String> origins) {
        return "frame-ancestors " + String.join(" ", origins) + "; " + RESOURCES;
    }

    @ServerResponseFilter
    public void add(ContainerResponseContext response) {
        MultivaluedMap<String, Object> h = response.getHeaders();
        if (!h.containsKey("Content-Security-Policy")) {
            h.putSingle("Content-Security-Policy", PAGE_POLICY);
            h.putSingle("X-Frame-Options", "DENY");
        }
        // same-origin, not no-referrer: browsers then still send Origin on our own form posts
        h.putSingle("Referrer-Policy", "same-origin");
        h.putSingle("X-Content-Type-Options", "nosniff");
        if (!h.containsKey("Cache-Control")) {
            h.putSingle("Cache-Control", "no-store");
        }
    }
}
