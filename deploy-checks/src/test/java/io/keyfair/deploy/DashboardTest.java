package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard (deploy/k8s/base/grafana/keyfair-dashboard.json) shows only metrics the
 * services export: every metric name in its PromQL is one a service registers in its code (the
 * services' own tests read them back from /q/metrics). A panel over a metric that does not exist
 * stays empty without an error, which is why this is checked here.
 */
class DashboardTest {

    static final List<String> OVERLAYS = Repo.OVERLAYS;
    private static final String DASHBOARD = "deploy/k8s/base/grafana/keyfair-dashboard.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern BUILDER = Pattern.compile("\\b(Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*(\"[^\"]+\"|[A-Z_]+)");
    private static final Pattern CONSTANT = Pattern.compile("static\\s+final\\s+String\\s+([A-Z_]+)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and",
            "or", "unless", "bool", "offset", "inf", "nan");

    static JsonNode dashboard() {
        try {
            return JSON.readTree(Repo.read(DASHBOARD));
        } catch (IOException e) {
            throw new AssertionError(DASHBOARD + " is not JSON", e);
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExportedByAService() {
        Set<String> exported = exportedMetrics();
        List<String> queries = queries(dashboard());
        assertFalse(queries.isEmpty(), "the dashboard has queries");
        Set<String> missing = new TreeSet<>();
        for (String query : queries) {
            for (String metric : metricNames(query)) {
                if (!exported.contains(metric)) {
                    missing.add(metric + " (in " + query + ")");
                }
            }
        }
        assertTrue(missing.isEmpty(), "metrics no service exports: " + missing + "; exported: " + exported);
    }

    @Test
    void dashboardCoversWhatOperatorsWatch() {
        Set<String> used = new TreeSet<>();
        queries(dashboard()).forEach(q -> used.addAll(metricNames(q)));
        for (String metric : List.of("keyfair_tokens_issued_total", "keyfair_oauth_errors_total", "http_server_requests_seconds_bucket",
                "keyfair_authorizations_total", "keyfair_connections", "keyfair_rate_limited_total",
                "keyfair_security_events_delivered_total", "keyfair_refresh_reuse_total")) {
            assertTrue(used.contains(metric), "a panel shows " + metric);
        }
    }

    @Test
    void everyPanelQueriesOneDataSourceVariable() {
        for (JsonNode panel : dashboard().path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " has a query");
        }
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertEquals(Set.of("http_server_requests_seconds_bucket"), metricNames(
                "histogram_quantile(0.99, sum by (le, application, uri) (rate(http_server_requests_seconds_bucket{uri!~\"a|b\", x=\"rate(y)\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b"), metricNames("sum without (instance) (increase(a_total[1h])) / on (job) group_left b"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void dashboardShipsAsAConfigMapForGrafanasSidecar(String overlay) throws IOException {
        JsonNode map = Repo.named(overlay, "ConfigMap", "keyfair-grafana-dashboard");
        assertEquals("1", map.path("metadata").path("labels").path("grafana_dashboard").asText(), overlay);
        assertEquals(dashboard(), JSON.readTree(map.path("data").path("keyfair-dashboard.json").asText()), overlay);
    }

    /** Every PromQL expression of the panels and every query of the template variables. */
    static List<String> queries(JsonNode dashboard) {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
            panel.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode q = variable.path("query");
                queries.add(q.isObject() ? q.path("query").asText() : q.asText());
            }
        }
        return queries;
    }

    /** The metric names a PromQL expression (or a Grafana `label_values(metric, label)`) selects. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher lv = LABEL_VALUES.matcher(expr);
        if (lv.find()) {
            names.add(lv.group(1));
            return names;
        }
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            boolean function = m.group(2) != null;
            if (!function && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * The Prometheus names of every meter the services' code registers with Micrometer (a counter
     * `a.b` is `a_b_total`, a timer `a.b` is `a_b_seconds_bucket`, `_count`, `_sum`, `_max`), plus
     * Quarkus's HTTP server timer, whose buckets common's HttpServerMetrics configures.
     */
    static Set<String> exportedMetrics() {
        Set<String> names = new TreeSet<>();
        for (Path source : mainSources()) {
            String code = readString(source);
            Map<String, String> constants = new HashMap<>();
            Matcher c = CONSTANT.matcher(code);
            while (c.find()) {
                constants.put(c.group(1), c.group(2));
            }
            Matcher b = BUILDER.matcher(code);
            while (b.find()) {
                String arg = b.group(2);
                String name = arg.startsWith("\"") ? arg.substring(1, arg.length() - 1) : constants.get(arg);
                if (name == null) {
                    continue;
                }
                names.addAll(prometheus(b.group(1), name));
            }
            if (source.endsWith("HttpServerMetrics.java")) {
                names.addAll(prometheus("Timer", constants.get("HTTP_SERVER_REQUESTS")));
            }
        }
        return names;
    }

    private static List<String> prometheus(String type, String name) {
        String base = name.replace('.', '_');
        return switch (type) {
            case "Counter" -> List.of(base + "_total");
            case "Timer" -> List.of(base + "_seconds_bucket", base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max");
            case "DistributionSummary" -> List.of(base + "_bucket", base + "_count", base + "_sum", base + "_max");
            default -> List.of(base);
        };
    }

    private static List<Path> mainSources() {
        List<Path> sources = new ArrayList<>();
        for (String module : Stream.concat(Stream.of("common"), Repo.SERVICES.stream()).toList()) {
            Path root = Repo.path(module + "/src/main/java");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
