package io.keyfair.common.cors;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.smallrye.common.vertx.ContextLocals;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the paths {@link CorsConfig} lists, and for no other (Quarkus' own CORS filter would
 * apply to every path, pages included). Credentials are never allowed: browser apps send tokens
 * in headers, never cookies.
 *
 * <ul>
 * <li>Public paths: `Access-Control-Allow-Origin: *` on every answer; preflights allow GET.</li>
 * <li>Client paths, preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`): it
 * cannot name its client, so it is allowed for any origin some approved client registered
 * ({@link RegisteredOrigins}), with the methods of {@link CorsConfig#clientMethods()} and the
 * headers `Authorization`, `DPoP` and `Content-Type`; `Authorization` is named, since `*` never
 * covers it (Fetch standard, CORS-protocol). Any other origin gets 204 without CORS headers.</li>
 * <li>Client paths, other requests with an `Origin`: the answer is readable from that origin only
 * when the endpoint identified the request's client ({@link CorsClient#identified}) and that client
 * registered the origin; `WWW-Authenticate` and `DPoP-Nonce` are then exposed.</li>
 * </ul>
 * Answers on client paths vary by `Origin`, whether or not the request had one.
 */
@ApplicationScoped
public class CorsFilter {

    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";
    static final String REQUEST_METHOD = "Access-Control-Request-Method";

    /** What a browser app sends: a token, a DPoP proof, a form or JSON body. */
    static final String CLIENT_HEADERS = "Authorization, DPoP, Content-Type";
    /** What a browser app must read of an error or a nonce challenge. */
    static final String EXPOSED = "WWW-Authenticate, DPoP-Nonce";

    /** Before the application's routes and Quarkus' other filters. */
    private static final int PRIORITY = 10_000;

    private final Set<String> publicExact;
    private final Set<String> publicPrefixes;
    private final Set<String> clientPaths;
    private final String clientMethods;
    private final String maxAge;
    private final RegisteredOrigins origins;

    CorsFilter(CorsConfig config, RegisteredOrigins origins) {
        Set<String> publicPaths = config.publicPaths().orElse(Set.of());
        this.publicExact = Set.copyOf(publicPaths.stream().filter(p -> !p.endsWith("/*")).toList());
        this.publicPrefixes = Set.copyOf(publicPaths.stream().filter(p -> p.endsWith("/*"))
                .map(p -> p.substring(0, p.length() - 1)).toList());
        this.clientPaths = config.clientPaths().orElse(Set.of());
        this.clientMethods = String.join(", ", config.clientMethods());
        this.maxAge = Long.toString(config.preflightMaxAge().toSeconds());
        this.origins = origins;
    }

    void register(@Observes Filters filters) {
        if (!publicExact.isEmpty() || !publicPrefixes.isEmpty() || !clientPaths.isEmpty()) {
            filters.register(this::handle, PRIORITY);
        }
    }

    private void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (clientPaths.contains(path)) {
            clientPath(ctx);
        } else if (isPublic(path)) {
            publicPath(ctx);
        } else {
            ctx.next();
        }
    }

    private boolean isPublic(String path) {
        if (publicExact.contains(path)) {
            return true;
        }
        for (String prefix : publicPrefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private void publicPath(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (isPreflight(request)) {
            ctx.response().setStatusCode(204)
                    .putHeader(ALLOW_ORIGIN, "*")
                    .putHeader(ALLOW_METHODS, "GET")
                    .putHeader(MAX_AGE, maxAge)
                    .end();
            return;
        }
        ctx.addHeadersEndHandler(v -> ctx.response().headers().set(ALLOW_ORIGIN, "*"));
        ctx.next();
    }

    private void clientPath(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            ctx.addHeadersEndHandler(v -> ctx.response().headers().add(HttpHeaders.VARY, "Origin"));
            ctx.next();
            return;
        }
        if (isPreflight(request)) {
            origins.contains(origin).subscribe().with(allowed -> preflight(ctx, origin, allowed), ctx::fail);
            return;
        }
        CorsClient.Reply reply = new CorsClient.Reply(origin);
        ContextLocals.put(CorsClient.KEY, reply);
        ctx.addHeadersEndHandler(v -> {
            HttpServerResponse response = ctx.response();
            response.headers().add(HttpHeaders.VARY, "Origin");
            if (reply.allowed()) {
                response.headers().set(ALLOW_ORIGIN, reply.origin).set(EXPOSE_HEADERS, EXPOSED);
            }
        });
        ctx.next();
    }

    private void preflight(RoutingContext ctx, String origin, boolean allowed) {
        HttpServerResponse response = ctx.response().setStatusCode(204).putHeader(HttpHeaders.VARY, "Origin");
        if (allowed) {
            response.putHeader(ALLOW_ORIGIN, origin)
                    .putHeader(ALLOW_METHODS, clientMethods)
                    .putHeader(ALLOW_HEADERS, CLIENT_HEADERS)
                    .putHeader(MAX_AGE, maxAge);
        }
        response.end();
    }

    private static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader(REQUEST_METHOD) != null
                && request.getHeader(HttpHeaders.ORIGIN) != null;
    }
}
