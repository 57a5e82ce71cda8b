package io.keyfair.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No private key in the repository, and an image for every service that never runs as root. */
class RepositoryHygieneTest {

    /** A JWK's private members ("d", and RSA's "p", "q", "dp", "dq", "qi") with a value. */
    private static final Pattern PRIVATE_JWK = Pattern.compile("\"(d|p|q|dp|dq|qi)\"\\s*:\\s*\"[A-Za-z0-9_-]{8,}");
    private static final Pattern PEM_PRIVATE = Pattern.compile("-----BEGIN ([A-Z]+ )?" + "PRIVATE KEY-----");
    /** Build output and the git-ignored local state (where deploy/local/up keeps the dev key set). */
    private static final Set<String> SKIPPED = Set.of(".git", "target", ".state", "logs", "node_modules", ".work", ".idea");

    @Test
    void noPrivateKeyIsCommitted() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Repo.ROOT)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).filter(RepositoryHygieneTest::notSkipped)::iterator) {
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (MalformedInputException binary) {
                    continue;
                }
                if (PRIVATE_JWK.matcher(text).find() || PEM_PRIVATE.matcher(text).find()) {
                    found.add(Repo.ROOT.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), found, "files holding a private key (keys go into Secrets created out of band)");
    }

    @Test
    void theScanWouldSeeAKey() {
        assertTrue(PRIVATE_JWK.matcher("{\"kty\":\"EC\",\"d\":\"" + "q1w2e3r4t5y6u7i8o9p0" + "\"}").find());
        assertTrue(PEM_PRIVATE.matcher("-----BEGIN RSA " + "PRIVATE KEY-----").find());
        assertFalse(PRIVATE_JWK.matcher("{\"kty\":\"EC\",\"x\":\"q1w2e3r4t5y6u7i8o9p0\"}").find());
    }

    @Test
    void everyServiceHasJvmAndNativeImagesThatRunAsNonRoot() {
        for (String service : Repo.SERVICES) {
            for (String kind : List.of("jvm", "native")) {
                String relative = service + "/src/main/docker/Dockerfile." + kind;
                assertTrue(Files.isRegularFile(Repo.path(relative)), relative + " exists");
                String dockerfile = Repo.read(relative);
                List<String> users = dockerfile.lines().map(String::strip).filter(l -> l.startsWith("USER ")).toList();
                assertFalse(users.isEmpty(), relative + " sets a USER");
                String last = users.get(users.size() - 1).substring(5).strip();
                assertFalse(last.equals("root") || last.equals("0") || last.startsWith("0:"), relative + " runs as root");
                assertTrue(last.matches("\\d+(:\\d+)?"), relative + ": a numeric user, so runAsNonRoot can verify it: " + last);
                assertTrue(dockerfile.contains(service + "/"), relative + " builds " + service);
            }
            String jvm = Repo.read(service + "/src/main/docker/Dockerfile.jvm");
            assertTrue(jvm.contains("-XX:AOTCache=") && jvm.contains("aot-train"), service + ": the AOT cache is trained at build time");
            String nativeFile = Repo.read(service + "/src/main/docker/Dockerfile.native");
            assertTrue(nativeFile.contains("mandrel-builder-image") && nativeFile.contains("-Dnative"), service + ": native built by Mandrel");
        }
        assertTrue(Files.isExecutable(Repo.path("deploy/images/aot-train")), "deploy/images/aot-train is executable");
        String pom = Repo.read("pom.xml");
        assertTrue(pom.contains("<id>native</id>") && pom.contains("<quarkus.native.enabled>true</quarkus.native.enabled>"),
                "the root pom has the native profile");
    }

    private static boolean notSkipped(Path file) {
        for (Path part : Repo.ROOT.relativize(file)) {
            if (SKIPPED.contains(part.toString())) {
                return false;
            }
        }
        return true;
    }
}
