package io.keyfair.registry.web;

import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers of the login pages (authorize-service's page/SecurityHeaders) on every response
 * under `/developers` and `/console`: no framing (clickjacking on the portal's forms), nothing
 * loaded but inline styles and https logos, no sniffing, no caching (pages carry CSRF tokens,
 * secrets and personal data). A Vert.x filter rather than a REST one, so the sign-in redirects
 * and 401/403 answers of the security layer carry them too. The JSON APIs are left alone.
 */
public class PageHeaders {

    static final String PAGE_POLICY = "frame-ancestors 'none'; default-src 'none'; style-src 'unsafe-inline'; "
            + "img-src https:; base-uri 'none'";

    /** Whether a path is one of the pages' (`/developers`, `/console`, and below them). */
    public static boolean isPage(String path) {
        return path != null && (path.equals("/developers") || path.startsWith("/developers/")
                || path.equals("/console") || path.startsWith("/console/"));
    }

    void register(@Observes Filters filters) {
        // a high priority: runs before the security layer, which may answer without the REST layer
        filters.register(PageHeaders::add, 1000);
    }

    private static void add(RoutingContext ctx) {
        if (isPage(ctx.normalizedPath())) {
            ctx.addHeadersEndHandler(ignored -> {
                MultiMap h = ctx.response().headers();
                h.set("Content-Security-Policy", PAGE_POLICY);
                h.set("X-Frame-Options", "DENY");
                // same-origin, not no-referrer: browsers then still send Origin on our own form posts
                h.set("Referrer-Policy", "same-origin");
                h.set("X-Content-Type-Options", "nosniff");
                h.set("Cache-Control", "no-store");
            });
        }
        ctx.next();
    }
}
