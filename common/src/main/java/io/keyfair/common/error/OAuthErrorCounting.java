package io.keyfair.common.error;

import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * Counts each RFC 6749 §5.2 error body as it leaves, whoever rendered it ({@link ErrorMappers}, or
 * a filter answering with {@link ErrorMappers#render}), in {@link OAuthErrorMetrics}. A successful
 * response costs one type check.
 */
public class OAuthErrorCounting {

    private final OAuthErrorMetrics metrics;

    OAuthErrorCounting(OAuthErrorMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerResponseFilter
    public void count(ContainerResponseContext response, HttpServerRequest request) {
        if (response.getEntity() instanceof ErrorBody body) {
            metrics.count(OAuthErrorMetrics.Endpoint.of(request.path()), body.error());
        }
    }
}
