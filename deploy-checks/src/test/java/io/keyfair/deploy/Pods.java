package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/** Reading pod templates and label selectors out of rendered manifests. */
final class Pods {

    private Pods() {
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static Map<String, String> podLabels(JsonNode workload) {
        Map<String, String> labels = new HashMap<>();
        workload.path("spec").path("template").path("metadata").path("labels").fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static Iterable<JsonNode> containers(JsonNode workload) {
        return podSpec(workload).path("containers");
    }

    /** Whether a Kubernetes label selector (matchLabels and matchExpressions) selects these labels. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        var fields = selector.path("matchLabels").fields();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            Set<String> values = new LinkedHashSet<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expression.path("operator").asText()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new AssertionError("unknown selector operator in " + selector);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Secret names and keys a workload's pods can read, as "name" (all keys) or "name/key". */
    static Set<String> secretsReaching(JsonNode workload) {
        Set<String> secrets = new LinkedHashSet<>();
        for (JsonNode container : concat(podSpec(workload).path("containers"), podSpec(workload).path("initContainers"))) {
            for (JsonNode from : container.path("envFrom")) {
                if (from.has("secretRef")) {
                    secrets.add(from.path("secretRef").path("name").asText());
                }
            }
            for (JsonNode env : container.path("env")) {
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    secrets.add(ref.path("name").asText() + "/" + ref.path("key").asText());
                }
            }
        }
        for (JsonNode volume : podSpec(workload).path("volumes")) {
            if (volume.has("secret")) {
                secrets.add(volume.path("secret").path("secretName").asText());
            }
            for (JsonNode source : volume.path("projected").path("sources")) {
                if (source.has("secret")) {
                    secrets.add(source.path("secret").path("name").asText());
                }
            }
        }
        return secrets;
    }

    /** Whether the workload can read secret `name`, or its `key` (a whole-Secret reference counts). */
    static boolean reads(JsonNode workload, String name, String key) {
        Set<String> reaching = secretsReaching(workload);
        return reaching.contains(name) || (key == null
                ? reaching.stream().anyMatch(s -> s.startsWith(name + "/"))
                : reaching.contains(name + "/" + key));
    }

    static Iterable<JsonNode> concat(JsonNode a, JsonNode b) {
        return () -> java.util.stream.Stream.concat(StreamSupport.stream(a.spliterator(), false),
                StreamSupport.stream(b.spliterator(), false)).iterator();
    }
}
