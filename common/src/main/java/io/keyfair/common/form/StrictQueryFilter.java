package io.keyfair.common.form;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * Refuses a query string that is not valid `application/x-www-form-urlencoded` UTF-8 before any
 * endpoint reads it. A `%` without two hex digits never gets this far: Quarkus answers a URI that
 * `java.net.URI` cannot parse with an empty 400 before routing. Well-formed escapes of bytes that
 * are not UTF-8 do, and Vert.x would quietly decode them to U+FFFD.
 */
public class StrictQueryFilter {

    @ServerRequestFilter(preMatching = true)
    public void check(HttpServerRequest request) {
        String query = request.query();
        // without an escape there is nothing to decode wrongly
        if (query != null && query.indexOf('%') >= 0) {
            UrlEncodedForm.decodeQuery(query);
        }
    }
}
