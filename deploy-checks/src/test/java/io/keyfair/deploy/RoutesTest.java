package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Ingress routes exactly what the local nginx routes (deploy/local/nginx.conf.template), to the
 * same services: a path added to one and not the other would work locally and 404 in a cluster.
 */
class RoutesTest {

    static final List<String> OVERLAYS = Repo.OVERLAYS;
    private static final Pattern LOCATION = Pattern.compile(
            "^\\s*location\\s+(=|\\^~)\\s+(\\S+)\\s*\\{\\s*proxy_pass\\s+http://(\\w+);\\s*}", Pattern.MULTILINE);
    private static final Pattern UPSTREAM = Pattern.compile("upstream\\s+(\\w+)\\s*\\{\\s*(?:server\\s+127\\.0\\.0\\.1:(\\d+);|@TOKEN_SERVERS@)");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void ingressPathsEqualNginxLocations(String overlay) {
        JsonNode ingress = Repo.ofKind(overlay, "Ingress").get(0);
        assertEquals(1, Repo.ofKind(overlay, "Ingress").size(), overlay + ": one Ingress");
        assertEquals(1, ingress.path("spec").path("rules").size(), overlay + ": one host (the issuer)");
        Set<String> routes = new TreeSet<>();
        for (JsonNode path : ingress.path("spec").path("rules").path(0).path("http").path("paths")) {
            JsonNode backend = path.path("backend").path("service");
            assertEquals("http", backend.path("port").path("name").asText(), overlay + ": backends use the http port");
            routes.add(route(path.path("pathType").asText(), path.path("path").asText(), backend.path("name").asText()));
        }
        assertEquals(nginxRoutes(), routes, overlay + ": Ingress paths vs nginx.conf.template locations");
        assertTrue(ingress.path("metadata").path("annotations").toString().contains("64k"),
                overlay + ": the same 64k body limit as nginx");
    }

    @Test
    void nginxUpstreamsAreTheServiceTable() {
        // deploy/local/lib.sh's table: SERVICES=(...) and PORT=([name]=port ...)
        String lib = Repo.read("deploy/local/lib.sh");
        Matcher services = Pattern.compile("SERVICES=\\(([^)]*)\\)").matcher(lib);
        assertTrue(services.find(), "lib.sh declares SERVICES");
        assertEquals(new TreeSet<>(Repo.SERVICES), new TreeSet<>(List.of(services.group(1).trim().split("\\s+"))));
        Map<String, String> ports = new HashMap<>();
        Matcher port = Pattern.compile("\\[([a-z-]+)]=(\\d+)").matcher(lib);
        while (port.find()) {
            ports.put(port.group(1), port.group(2));
        }
        Matcher upstream = UPSTREAM.matcher(Repo.read("deploy/local/nginx.conf.template"));
        Set<String> seen = new TreeSet<>();
        while (upstream.find()) {
            String service = upstream.group(1).replace('_', '-');
            if (upstream.group(2) == null) {
                // up renders token-service's instances (KEYFAIR_TOKEN_REPLICAS) from lib.sh's ports
                assertEquals("token-service", service, "only token-service's upstream is rendered by up");
            } else {
                assertEquals(ports.get(service), upstream.group(2), "nginx upstream " + upstream.group(1) + " is lib.sh's port of " + service);
            }
            seen.add(service);
        }
        assertEquals(new TreeSet<>(Repo.SERVICES), seen, "one nginx upstream per service");
    }

    /**
     * nginx's routes in Ingress terms: "= /x" plus "^~ /x/" to the same service is Prefix /x, "= /x"
     * alone is Exact /x, and "^~ /x/" alone is Prefix /x (which the Ingress also matches for /x).
     */
    static Set<String> nginxRoutes() {
        Map<String, String> exact = new HashMap<>();
        Map<String, String> prefix = new HashMap<>();
        Matcher m = LOCATION.matcher(Repo.read("deploy/local/nginx.conf.template"));
        while (m.find()) {
            String service = m.group(3).replace('_', '-');
            if (m.group(1).equals("=")) {
                exact.put(m.group(2), service);
            } else {
                assertTrue(m.group(2).endsWith("/"), "nginx prefix locations end in /: " + m.group(2));
                prefix.put(m.group(2).substring(0, m.group(2).length() - 1), service);
            }
        }
        assertFalse(exact.isEmpty(), "nginx.conf.template: no location lines found");
        Set<String> routes = new TreeSet<>();
        List<String> paths = new ArrayList<>(exact.keySet());
        paths.addAll(prefix.keySet());
        for (String path : new TreeSet<>(paths)) {
            String e = exact.get(path);
            String p = prefix.get(path);
            if (e != null && p != null) {
                assertEquals(e, p, "nginx: = " + path + " and ^~ " + path + "/ go to one service");
                routes.add(route("Prefix", path, p));
            } else if (e != null) {
                routes.add(route("Exact", path, e));
            } else {
                routes.add(route("Prefix", path, p));
            }
        }
        return routes;
    }

    private static String route(String type, String path, String service) {
        return type + " " + path + " -> " + service;
    }
}
