package io.keyfair.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every variable the manifests set is one a service reads: a misspelt name is silently ignored and
 * the default (the local stack's) wins, in production.
 */
class ConfigNamesTest {

    static final List<String> OVERLAYS = Repo.OVERLAYS;
    private static final Pattern EXPANSION = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([a-z.-]+)\"\\)");
    private static final Pattern PROPERTY = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([a-z0-9.-]+)\"");
    private static final Pattern METHOD = Pattern.compile("^\\s+[\\w.<>, ?]+\\s+(\\w+)\\(\\);", Pattern.MULTILINE);
    /** Read by the JVM, glibc, the image's run-java.sh or Quarkus itself (its names are its properties). */
    private static final Pattern PLATFORM = Pattern.compile("QUARKUS_[A-Z0-9_]+|MALLOC_ARENA_MAX|GLIBC_TUNABLES|JAVA_OPTS_APPEND");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyVariableIsOneTheServicesRead(String overlay) throws IOException {
        Set<String> known = knownNames();
        Set<String> unknown = new TreeSet<>();
        Repo.named(overlay, "ConfigMap", "keyfair-config").path("data").fieldNames().forEachRemaining(name -> {
            if (!known.contains(name) && !PLATFORM.matcher(name).matches()) {
                unknown.add(name);
            }
        });
        for (JsonNode deployment : Repo.ofKind(overlay, "Deployment")) {
            for (JsonNode env : Pods.containers(deployment).iterator().next().path("env")) {
                String name = env.path("name").asText();
                if (!known.contains(name) && !PLATFORM.matcher(name).matches()) {
                    unknown.add(name);
                }
            }
        }
        assertEquals(Set.of(), unknown, overlay + ": variables no service reads");
    }

    /** ${NAME} expansions in the properties files, and the environment names of @ConfigProperty and @ConfigMapping. */
    static Set<String> knownNames() throws IOException {
        Set<String> names = new TreeSet<>();
        names.add("KEYFAIR_ISSUER");
        try (Stream<Path> files = Files.walk(Repo.ROOT)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("/src/main/"))
                    .filter(f -> f.toString().endsWith(".properties") || f.toString().endsWith(".java"))::iterator) {
                String text = Files.readString(file);
                Matcher expansion = EXPANSION.matcher(text);
                while (expansion.find()) {
                    names.add(expansion.group(1));
                }
                Matcher property = PROPERTY.matcher(text);
                while (property.find()) {
                    names.add(property.group(1).toUpperCase().replaceAll("[^A-Z0-9]", "_"));
                }
                Matcher mapping = MAPPING.matcher(text);
                if (mapping.find()) {
                    String prefix = mapping.group(1);
                    Matcher method = METHOD.matcher(text);
                    while (method.find()) {
                        String kebab = method.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
                        names.add((prefix + "." + kebab).toUpperCase().replaceAll("[^A-Z0-9]", "_"));
                    }
                }
            }
        }
        return names;
    }
}
