package io.keyfair.common.log;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.MDC;

import io.vertx.ext.web.Router;

/**
 * First thing on every request of the service (pages, APIs, sign-in callbacks and `/q/*`): takes
 * or makes its request id ({@link RequestIds}), puts it in the request's log context and in the
 * response's `X-Request-Id`.
 */
@Singleton
public class RequestIdRoute {

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            String id = RequestIds.acceptOrMake(rc.request().getHeader(RequestIds.HEADER));
            MDC.put(RequestIds.MDC_KEY, id);
            rc.response().putHeader(RequestIds.HEADER, id);
            rc.next();
        });
    }
}
