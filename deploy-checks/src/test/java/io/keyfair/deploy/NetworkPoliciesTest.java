package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.keyfair.deploy.Pods.podLabels;
import static io.keyfair.deploy.Pods.selects;
import static io.keyfair.deploy.Repo.SERVICES;
import static io.keyfair.deploy.Repo.named;
import static io.keyfair.deploy.Repo.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NetworkPolicies, evaluated against the pods each overlay runs: everything denied unless
 * allowed, and what is allowed is exactly what the services need.
 */
class NetworkPoliciesTest {

    static final List<String> OVERLAYS = Repo.OVERLAYS;

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everythingIsDeniedButDns(String overlay) {
        boolean denyAll = policies(overlay).stream().anyMatch(p -> p.path("spec").path("podSelector").isEmpty()
                && p.path("spec").path("policyTypes").toString().contains("Ingress")
                && p.path("spec").path("policyTypes").toString().contains("Egress")
                && p.path("spec").path("ingress").isMissingNode() && p.path("spec").path("egress").isMissingNode());
        assertTrue(denyAll, overlay + ": a default-deny policy for every pod, both directions");
        for (JsonNode workload : workloads(overlay)) {
            assertTrue(egress(overlay, podLabels(workload)).stream().anyMatch(r -> allowsPort(r, 53)),
                    overlay + ": " + name(workload) + " may resolve names");
        }
        for (JsonNode policy : policies(overlay)) {
            for (JsonNode rule : policy.path("spec").path("egress")) {
                assertFalse(rule.path("ports").isMissingNode() || rule.path("ports").isEmpty(),
                        overlay + ": " + name(policy) + " opens every port");
                assertFalse(rule.path("to").isMissingNode() || rule.path("to").isEmpty(),
                        overlay + ": " + name(policy) + " allows any destination");
            }
            for (JsonNode rule : policy.path("spec").path("ingress")) {
                assertFalse(rule.path("from").isMissingNode() || rule.path("from").isEmpty(),
                        overlay + ": " + name(policy) + " admits anyone");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theIngressControllerReachesEveryService(String overlay) {
        for (String service : SERVICES) {
            Map<String, String> labels = podLabels(named(overlay, "Deployment", service));
            boolean fromController = ingress(overlay, labels).stream().anyMatch(r -> allowsPort(r, 8080)
                    && r.path("from").toString().contains("ingress-nginx"));
            assertTrue(fromController, overlay + ": the ingress controller reaches " + service);
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void servicesReachTheDatastoresAndTheVerifiersTheJwks(String overlay) {
        for (String service : SERVICES) {
            Map<String, String> labels = podLabels(named(overlay, "Deployment", service));
            List<JsonNode> out = egress(overlay, labels);
            assertTrue(out.stream().anyMatch(r -> allowsPort(r, 5432)), overlay + ": " + service + " reaches PostgreSQL");
            assertTrue(out.stream().anyMatch(r -> allowsPort(r, 6379)), overlay + ": " + service + " reaches Redis");
            boolean jwks = out.stream().anyMatch(r -> allowsPort(r, 8080) && r.path("to").toString().contains("\"token-service\""));
            assertTrue(service.equals("token-service") || jwks, overlay + ": " + service + " fetches the JWKS from token-service");
        }
        Map<String, String> token = podLabels(named(overlay, "Deployment", "token-service"));
        for (String verifier : List.of("authorize-service", "userinfo-service", "client-registry-service")) {
            assertTrue(ingress(overlay, token).stream().anyMatch(r -> allowsPort(r, 8080) && r.path("from").toString().contains(verifier)),
                    overlay + ": token-service admits " + verifier + " for the JWKS");
        }
        Map<String, String> job = podLabels(ofKind(overlay, "Job").get(0));
        assertTrue(egress(overlay, job).stream().anyMatch(r -> allowsPort(r, 5432)), overlay + ": the migration Job reaches PostgreSQL");
        for (JsonNode datastore : ofKind(overlay, "StatefulSet")) {
            assertFalse(ingress(overlay, podLabels(datastore)).isEmpty(), overlay + ": " + name(datastore) + " admits the services");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void registryReadsEveryServicesOpenApiDocument(String overlay) {
        Map<String, String> registry = podLabels(named(overlay, "Deployment", "client-registry-service"));
        for (String service : List.of("authorize-service", "userinfo-service", "token-service")) {
            assertTrue(egress(overlay, registry).stream().anyMatch(r -> allowsPort(r, 8080) && r.path("to").toString().contains(service)),
                    overlay + ": client-registry-service reaches " + service + " for /admin/openapi");
            assertTrue(ingress(overlay, podLabels(named(overlay, "Deployment", service))).stream()
                    .anyMatch(r -> allowsPort(r, 8080) && r.path("from").toString().contains("client-registry-service")),
                    overlay + ": " + service + " admits client-registry-service");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void onlyTokenAndAuthorizeServiceGoOutToAppsUrls(String overlay) {
        // token-service: events_uri receivers and jwks_uri; authorize-service: jwks_uri at PAR
        Set<String> outgoing = Set.of("token-service", "authorize-service");
        for (JsonNode workload : workloads(overlay)) {
            boolean out = outgoing.contains(name(workload));
            List<JsonNode> rules = egress(overlay, podLabels(workload));
            for (int port : new int[] {443, 80}) {
                boolean anywhere = rules.stream().anyMatch(r -> allowsPort(r, port) && r.path("to").toString().contains("\"0.0.0.0/0\""));
                assertTrue(anywhere == out, overlay + ": " + name(workload)
                        + (out ? " must reach the URLs apps register on " : " must not go out on ") + port);
            }
        }
    }

    @Test
    void prodKeepsPrivateRangesClosedToAppsUrls() {
        for (JsonNode rule : egress("prod", podLabels(named("prod", "Deployment", "authorize-service")))) {
            if (allowsPort(rule, 443)) {
                assertTrue(rule.path("to").toString().contains("10.0.0.0/8") && rule.path("to").toString().contains("fc00::/7"),
                        "prod: authorize-service's way out excepts private ranges: " + rule);
            }
        }
        JsonNode config = named("prod", "ConfigMap", "keyfair-config").path("data");
        assertEquals("true", config.path("KEYFAIR_EVENTS_REFUSE_PRIVATE_ADDRESSES").asText());
        assertEquals("true", config.path("KEYFAIR_CLIENT_KEYS_REFUSE_PRIVATE_ADDRESSES").asText());
    }

    private static List<JsonNode> policies(String overlay) {
        return ofKind(overlay, "NetworkPolicy");
    }

    private static List<JsonNode> workloads(String overlay) {
        List<JsonNode> all = new ArrayList<>(ofKind(overlay, "Deployment"));
        all.addAll(ofKind(overlay, "Job"));
        all.addAll(ofKind(overlay, "StatefulSet"));
        return all;
    }

    private static List<JsonNode> egress(String overlay, Map<String, String> labels) {
        return rules(overlay, labels, "egress");
    }

    private static List<JsonNode> ingress(String overlay, Map<String, String> labels) {
        return rules(overlay, labels, "ingress");
    }

    private static List<JsonNode> rules(String overlay, Map<String, String> labels, String direction) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode policy : policies(overlay)) {
            if (selects(policy.path("spec").path("podSelector"), labels)) {
                policy.path("spec").path(direction).forEach(rules::add);
            }
        }
        return rules;
    }

    private static boolean allowsPort(JsonNode rule, int port) {
        for (JsonNode p : rule.path("ports")) {
            if (p.path("port").asInt(-1) == port) {
                return true;
            }
        }
        return false;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }
}
