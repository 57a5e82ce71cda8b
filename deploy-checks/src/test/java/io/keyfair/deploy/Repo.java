package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The repository these checks look at, and its Kubernetes overlays rendered by the real
 * `kubectl kustomize` (never an imitation of it: what an operator applies is what is checked).
 */
final class Repo {

    static final Path ROOT = Path.of(System.getProperty("keyfair.repo", "..")).toAbsolutePath().normalize();
    static final List<String> OVERLAYS = List.of("dev", "prod");
    static final List<String> SERVICES = List.of("token-service", "authorize-service", "userinfo-service",
            "client-registry-service");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Repo() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + relative, e);
        }
    }

    /** Every object `kubectl kustomize deploy/k8s/overlays/<overlay>` prints, rendered once per run. */
    static List<JsonNode> rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Repo::render);
    }

    /** The objects of one kind, in rendering order. */
    static List<JsonNode> ofKind(String overlay, String kind) {
        return rendered(overlay).stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static JsonNode named(String overlay, String kind, String name) {
        return ofKind(overlay, kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    /** Whether the missing kubectl was reported already (once per run is enough). */
    private static volatile boolean warned;

    private static List<JsonNode> render(String overlay) {
        Path dir = path("deploy/k8s/overlays/" + overlay);
        ProcessBuilder builder = new ProcessBuilder("kubectl", "kustomize", dir.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String why = """
                    kubectl is not installed, so deploy/k8s cannot be rendered. Install it: \
                    deploy/local/ensure-services does (apt package kubectl from the Kubernetes \
                    repository, pkgs.k8s.io), or see https://kubernetes.io/docs/tasks/tools/. \
                    Its built-in kustomize must be v4.1 or newer (kubectl 1.21+).""";
            if (!"1".equals(System.getenv("KEYFAIR_REQUIRE_KUBECTL"))) {
                // a machine without kubectl still checks nginx, the images and the secrets; the
                // rendered manifests only where kubectl is (KEYFAIR_REQUIRE_KUBECTL=1 insists)
                if (!warned) {
                    warned = true;
                    System.err.println("WARNING: " + why);
                }
                Assumptions.abort(why);
            }
            return fail(why, e);
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("kubectl kustomize " + dir + " failed (kustomize v4.1+, i.e. kubectl 1.21+, is needed):\n"
                        + new String(err, StandardCharsets.UTF_8));
            }
            List<JsonNode> objects = new ArrayList<>();
            try (YAMLParser parser = new YAMLFactory().createParser(out)) {
                for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                    JsonNode node = it.next();
                    if (node != null && !node.isNull() && !node.isMissingNode()) {
                        objects.add(node);
                    }
                }
            }
            return objects;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("rendering " + dir, e);
        }
    }
}
