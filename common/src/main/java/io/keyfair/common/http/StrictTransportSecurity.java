package io.keyfair.common.http;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.keyfair.common.config.HttpConfig;
import io.vertx.ext.web.Router;

/**
 * RFC 6797: every response to a request that came over https (as the trusted ingress says in
 * `X-Forwarded-Proto`, see `quarkus.http.proxy.*`) tells the browser to use only https for this
 * host from now on. §7.2: never sent over plain http, where an attacker could forge or strip it.
 */
@Singleton
public class StrictTransportSecurity {

    private final String header;

    StrictTransportSecurity(HttpConfig config) {
        this.header = "max-age=" + config.hstsMaxAge().toSeconds();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            if ("https".equals(rc.request().scheme())) {
                rc.response().putHeader("Strict-Transport-Security", header);
            }
            rc.next();
        });
    }
}
