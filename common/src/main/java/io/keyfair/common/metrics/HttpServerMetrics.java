package io.keyfair.common.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.quarkus.micrometer.runtime.HttpServerMetricsTagsContributor;

/**
 * Shapes Quarkus's `http_server_requests_seconds` (one timer per method, route, status and
 * outcome) for dashboards:
 * <ul>
 * <li>fixed latency buckets, so p50 and p99 can be computed across replicas with
 * `histogram_quantile`. They are explicit service-level objectives rather than Micrometer's
 * generated percentile histogram (about 70 buckets a series): 14 buckets from 0.5 ms to 10 s keep
 * the series few while bracketing every target (a token in milliseconds, a login's password hash
 * in tens of milliseconds);</li>
 * <li>`uri` is always the matched route's template (`/admin/clients/{id}`), whatever the status:
 * Quarkus alone names a redirect of a route without parameters `REDIRECTION` (every answer of
 * `/oauth/authorize`) and an error the raw path. A request no route matched is `NOT_FOUND` (404),
 * `REDIRECTION` (3xx) or `UNKNOWN`, never its path, which may hold ids: the label stays bounded
 * by the routes the service has;</li>
 * <li>an `application` label naming the service, so latency can be shown per service without
 * relying on how Prometheus was told to scrape it.</li>
 * </ul>
 */
@Singleton
public class HttpServerMetrics implements HttpServerMetricsTagsContributor {

    /** The Micrometer name of Quarkus's HTTP server timer. */
    static final String HTTP_SERVER_REQUESTS = "http.server.requests";
    /** Where RESTEasy Reactive leaves the matched route's template (read by Quarkus's own binder too). */
    static final String ROUTE_TEMPLATE = "UrlPathTemplate";

    /** Bucket upper bounds, in seconds on the Prometheus side. */
    static final Duration[] BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10) };

    private final Tag application;
    private final Tags notFound;
    private final Tags redirection;
    private final Tags unknown;
    /** By route template: as many entries as the service has routes. */
    private final Map<String, Tags> routes = new ConcurrentHashMap<>();

    HttpServerMetrics(@ConfigProperty(name = "quarkus.application.name") String application) {
        this.application = Tag.of("application", application);
        this.notFound = tags("NOT_FOUND");
        this.redirection = tags("REDIRECTION");
        this.unknown = tags("UNKNOWN");
    }

    private Tags tags(String uri) {
        return Tags.of(application, Tag.of("uri", uri));
    }

    /** Replaces Quarkus's `uri` (contributed tags win over the standard ones) and adds `application`. */
    @Override
    public Tags contribute(Context context) {
        Object template = context.requestContextLocalData(ROUTE_TEMPLATE);
        if (template instanceof String route) {
            Tags tags = routes.get(route);
            return tags != null ? tags : routes.computeIfAbsent(route, this::tags);
        }
        int status = context.response() == null ? 0 : context.response().statusCode();
        return status == 404 ? notFound : status / 100 == 3 ? redirection : unknown;
    }

    @Produces
    @Singleton
    MeterFilter latencyBuckets() {
        double[] slos = new double[BUCKETS.length];
        for (int i = 0; i < BUCKETS.length; i++) {
            slos[i] = BUCKETS[i].toNanos();
        }
        DistributionStatisticConfig buckets = DistributionStatisticConfig.builder()
                .percentilesHistogram(false)
                .serviceLevelObjectives(slos)
                .build();
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(HTTP_SERVER_REQUESTS) ? buckets.merge(config) : config;
            }
        };
    }
}
