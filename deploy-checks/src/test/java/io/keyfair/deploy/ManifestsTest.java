package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.keyfair.deploy.Pods.containers;
import static io.keyfair.deploy.Pods.podLabels;
import static io.keyfair.deploy.Pods.podSpec;
import static io.keyfair.deploy.Pods.reads;
import static io.keyfair.deploy.Pods.selects;
import static io.keyfair.deploy.Repo.SERVICES;
import static io.keyfair.deploy.Repo.named;
import static io.keyfair.deploy.Repo.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each overlay, as `kubectl kustomize` renders it, against the rules of issue 14 item 1: what an
 * operator would otherwise find out in a cluster (a writable root, a missing probe, the private
 * keys in every pod, a policy that lets everything out).
 */
class ManifestsTest {

    static final List<String> OVERLAYS = Repo.OVERLAYS;
    static final Set<String> AUTOSCALED = Set.of("token-service", "userinfo-service");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceHasADeploymentAndAServiceOnItsHttpPort(String overlay) {
        Set<String> deployments = new TreeSet<>();
        ofKind(overlay, "Deployment").forEach(d -> deployments.add(d.path("metadata").path("name").asText()));
        assertEquals(new TreeSet<>(SERVICES), deployments, overlay + ": the Deployments");
        for (String service : SERVICES) {
            JsonNode deployment = named(overlay, "Deployment", service);
            JsonNode svc = named(overlay, "Service", service);
            assertTrue(selects(wrap(svc.path("spec").path("selector")), podLabels(deployment)),
                    overlay + ": Service " + service + " selects its pods");
            assertEquals("http", svc.path("spec").path("ports").path(0).path("targetPort").asText());
            assertEquals(8080, containers(deployment).iterator().next().path("ports").path(0).path("containerPort").asInt(),
                    overlay + ": " + service + " serves on 8080 (QUARKUS_HTTP_PORT)");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void probesResourcesAndHardening(String overlay) {
        List<JsonNode> workloads = new ArrayList<>(ofKind(overlay, "Deployment"));
        workloads.addAll(ofKind(overlay, "Job"));
        workloads.addAll(ofKind(overlay, "StatefulSet"));
        for (JsonNode workload : workloads) {
            String what = overlay + ": " + workload.path("kind").asText() + " " + workload.path("metadata").path("name").asText();
            JsonNode pod = podSpec(workload);
            assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), what + ": automountServiceAccountToken false");
            JsonNode podSecurity = pod.path("securityContext");
            assertEquals("RuntimeDefault", podSecurity.path("seccompProfile").path("type").asText(), what + ": seccomp");
            assertTrue(podSecurity.path("runAsUser").asInt(0) > 0, what + ": runAsUser, not root");
            assertTrue(podSecurity.path("runAsGroup").asInt(0) > 0, what + ": runAsGroup, not root");
            assertFalse(pod.path("hostNetwork").asBoolean(false) || pod.path("hostPID").asBoolean(false), what);
            for (JsonNode container : containers(workload)) {
                String c = what + " container " + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                assertTrue(security.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false)), c + ": runAsNonRoot");
                assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), c + ": allowPrivilegeEscalation false");
                assertTrue(security.path("readOnlyRootFilesystem").asBoolean(false), c + ": readOnlyRootFilesystem");
                assertFalse(security.path("privileged").asBoolean(false), c + ": not privileged");
                assertEquals("[\"ALL\"]", security.path("capabilities").path("drop").toString(), c + ": drops ALL capabilities");
                assertTrue(security.path("capabilities").path("add").isMissingNode(), c + ": adds no capability");
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertFalse(container.path("resources").path(kind).path(resource).asText().isEmpty(),
                                c + ": resources." + kind + "." + resource);
                    }
                }
            }
        }
        for (String service : SERVICES) {
            JsonNode deployment = named(overlay, "Deployment", service);
            String what = overlay + ": " + service;
            JsonNode app = containers(deployment).iterator().next();
            assertEquals("/q/health/started", app.path("startupProbe").path("httpGet").path("path").asText(), what + ": startupProbe");
            assertEquals("/q/health/ready", app.path("readinessProbe").path("httpGet").path("path").asText(), what + ": readinessProbe");
            assertEquals("/q/health/live", app.path("livenessProbe").path("httpGet").path("path").asText(), what + ": livenessProbe");
            assertTrue(podSpec(deployment).path("securityContext").path("runAsNonRoot").asBoolean(false), what + ": pod runAsNonRoot");
            // the only writable place is /tmp, an emptyDir; every other mount is read-only
            Set<String> emptyDirs = new TreeSet<>();
            podSpec(deployment).path("volumes").forEach(v -> {
                if (v.has("emptyDir")) {
                    emptyDirs.add(v.path("name").asText());
                }
            });
            boolean tmp = false;
            for (JsonNode mount : app.path("volumeMounts")) {
                boolean writable = emptyDirs.contains(mount.path("name").asText());
                if (writable) {
                    assertEquals("/tmp", mount.path("mountPath").asText(), what + ": writable mounts other than /tmp");
                    tmp = true;
                } else {
                    assertTrue(mount.path("readOnly").asBoolean(false), what + ": mount " + mount.path("mountPath").asText() + " read-only");
                }
            }
            assertTrue(tmp, what + ": an emptyDir on /tmp (native libraries unpack there)");
            boolean spreadOverNodes = false;
            for (JsonNode constraint : podSpec(deployment).path("topologySpreadConstraints")) {
                spreadOverNodes |= "kubernetes.io/hostname".equals(constraint.path("topologyKey").asText())
                        && selects(constraint.path("labelSelector"), podLabels(deployment));
            }
            assertTrue(spreadOverNodes, what + ": its replicas spread across nodes");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void disruptionBudgetsAndAutoscalers(String overlay) {
        for (String service : SERVICES) {
            JsonNode deployment = named(overlay, "Deployment", service);
            long budgets = ofKind(overlay, "PodDisruptionBudget").stream()
                    .filter(p -> selects(p.path("spec").path("selector"), podLabels(deployment))).count();
            assertEquals(1, budgets, overlay + ": one PodDisruptionBudget for " + service);
            List<JsonNode> hpas = ofKind(overlay, "HorizontalPodAutoscaler").stream()
                    .filter(h -> service.equals(h.path("spec").path("scaleTargetRef").path("name").asText())).toList();
            if (AUTOSCALED.contains(service)) {
                assertEquals(1, hpas.size(), overlay + ": an HPA for " + service);
                JsonNode hpa = hpas.get(0);
                assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
                assertEquals("Deployment", hpa.path("spec").path("scaleTargetRef").path("kind").asText());
                assertEquals("cpu", hpa.path("spec").path("metrics").path(0).path("resource").path("name").asText(),
                        overlay + ": " + service + " scales on CPU");
                int min = hpa.path("spec").path("minReplicas").asInt(0);
                assertTrue(min >= 1 && hpa.path("spec").path("maxReplicas").asInt() > min, overlay + ": HPA bounds of " + service);
                if (overlay.equals("prod")) {
                    assertTrue(min >= 2, "prod: at least two " + service + " pods");
                }
                assertTrue(deployment.path("spec").path("replicas").isMissingNode(),
                        overlay + ": " + service + " sets no replicas (each apply would undo the HPA)");
            } else {
                assertTrue(hpas.isEmpty(), overlay + ": no HPA for " + service);
                if (overlay.equals("prod")) {
                    assertTrue(deployment.path("spec").path("replicas").asInt(1) >= 2, "prod: several " + service + " replicas");
                }
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void secretsReachOnlyTheWorkloadsThatNeedThem(String overlay) {
        assertTrue(ofKind(overlay, "Secret").isEmpty(), overlay + ": Secrets are created out of band, never rendered from the repo");
        List<JsonNode> workloads = new ArrayList<>(ofKind(overlay, "Deployment"));
        workloads.addAll(ofKind(overlay, "Job"));
        workloads.addAll(ofKind(overlay, "StatefulSet"));
        for (JsonNode workload : workloads) {
            String name = workload.path("metadata").path("name").asText();
            boolean token = name.equals("token-service");
            String what = overlay + ": " + name;
            assertEquals(token, reads(workload, "keyfair-signing-keys", null) || reads(workload, "keyfair-signing-keys", "keys.json"),
                    what + (token ? " must mount" : " must not reach") + " the signing keys");
            assertEquals(token, reads(workload, "keyfair-admin", "KEYFAIR_ADMIN_CLIENT_SECRET"),
                    what + (token ? " must get" : " must not get") + " the admin client secret");
            boolean registry = name.equals("client-registry-service");
            assertEquals(registry, reads(workload, "keyfair-portal", null),
                    what + (registry ? " must get" : " must not get") + " the portal's sign-in client");
            if (!token && !name.equals("client-registry-service")) {
                assertFalse(reads(workload, "keyfair-admin", null), what + " has no use for keyfair-admin");
            }
        }
        for (String service : SERVICES) {
            JsonNode deployment = named(overlay, "Deployment", service);
            assertTrue(reads(deployment, "keyfair-db", null), overlay + ": " + service + " gets the database credentials");
            assertTrue(reads(deployment, "keyfair-redis", null), overlay + ": " + service + " gets the Redis credentials");
        }
        JsonNode keys = podSpec(named(overlay, "Deployment", "token-service")).path("volumes").findParent("secretName");
        String mountName = keys.path("name").asText();
        for (JsonNode mount : containers(named(overlay, "Deployment", "token-service")).iterator().next().path("volumeMounts")) {
            if (mount.path("name").asText().equals(mountName)) {
                assertTrue(mount.path("subPath").isMissingNode(), "a subPath mount would never see a rotated key set");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theMigrationJobRunsOnceAndTheServicesNeverMigrate(String overlay) {
        List<JsonNode> jobs = ofKind(overlay, "Job");
        assertEquals(1, jobs.size(), overlay + ": one migration Job");
        JsonNode job = jobs.get(0);
        JsonNode container = containers(job).iterator().next();
        assertTrue(container.path("command").toString().contains("io.keyfair.common.schema.SchemaMigration"), overlay + ": the Job runs SchemaMigration");
        assertTrue(container.path("image").asText().contains("keyfair/"), overlay + ": from a Keyfair JVM image");
        assertTrue(reads(job, "keyfair-db", null), overlay + ": the Job gets the database credentials");
        assertFalse(podSpec(job).path("restartPolicy").asText().equals("Always"));
        assertTrue(job.path("spec").path("ttlSecondsAfterFinished").isNumber(), "finished Jobs go, so the next release's apply runs it again");
        for (String service : SERVICES) {
            String pom = Repo.read(service + "/pom.xml");
            assertFalse(pom.contains("quarkus-flyway"), service + " must not migrate at start (no quarkus-flyway)");
            assertFalse(containers(named(overlay, "Deployment", service)).iterator().next().toString().contains("FLYWAY"),
                    overlay + ": " + service + " gets no Flyway setting");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void configMapAndIngressNameTheSameIssuer(String overlay) {
        JsonNode config = named(overlay, "ConfigMap", "keyfair-config").path("data");
        JsonNode ingress = ofKind(overlay, "Ingress").get(0);
        String host = ingress.path("spec").path("rules").path(0).path("host").asText();
        boolean tls = ingress.path("spec").path("tls").path(0).path("hosts").toString().contains("\"" + host + "\"");
        assertEquals((tls ? "https://" : "http://") + host, config.path("KEYFAIR_ISSUER").asText(), overlay + ": issuer = ingress origin");
        for (String ttl : List.of("KEYFAIR_OAUTH_ACCESS_TOKEN_TTL", "KEYFAIR_OAUTH_REFRESH_TOKEN_TTL", "KEYFAIR_OAUTH_CODE_TTL")) {
            assertTrue(config.path(ttl).asText().startsWith("P"), overlay + ": " + ttl + " in the ConfigMap");
        }
        assertEquals("http://token-service/oauth/jwks", config.path("KEYFAIR_JWKS_URL").asText(), overlay + ": JWKS fetched in-cluster");
        if (overlay.equals("prod")) {
            assertTrue(tls, "prod: HTTPS issuer");
            assertEquals("true", config.path("KEYFAIR_EVENTS_REFUSE_PRIVATE_ADDRESSES").asText(), "prod: no events into private networks");
            assertTrue(ofKind(overlay, "StatefulSet").isEmpty(), "prod: PostgreSQL and Redis are external");
            for (JsonNode d : ofKind(overlay, "Deployment")) {
                String image = containers(d).iterator().next().path("image").asText();
                assertFalse(image.endsWith(":latest") || !image.contains(":"), "prod: pinned image, not " + image);
            }
        } else {
            Set<String> datastores = new TreeSet<>();
            for (JsonNode s : ofKind(overlay, "StatefulSet")) {
                datastores.add(s.path("metadata").path("name").asText());
                assertFalse(s.path("spec").path("volumeClaimTemplates").isEmpty(), overlay + ": " + s.path("metadata").path("name") + " keeps a volume");
            }
            assertEquals(Set.of("postgres", "redis"), datastores, overlay + ": in-cluster PostgreSQL and Redis");
        }
    }

    private static JsonNode wrap(JsonNode matchLabels) {
        var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        node.set("matchLabels", matchLabels);
        return node;
    }

    static Map<String, String> labelsOf(JsonNode workload) {
        return podLabels(workload);
    }
}
