package io.keyfair.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * No secret, code or token the end-to-end tests sent or received (Seen) appears in any log of the
 * stack they ran against (deploy/local/logs: each service's log and the one before its last
 * restart, nginx's). The e2e module's last execution runs this class after all the others.
 */
class LogHygieneIT {

    private static final Path LOGS = Path.of("").toAbsolutePath().getParent().resolve("deploy/local/logs");

    @Test
    void noSecretCodeOrTokenTheTestsSawIsInAnyLog() throws IOException {
        Set<String> secrets = Seen.all();
        assertTrue(secrets.size() >= 4, "the tests before this one recorded what they saw: " + secrets.size());
        List<Path> logs;
        try (Stream<Path> files = Files.list(LOGS)) {
            logs = files.filter(f -> f.getFileName().toString().matches(".*\\.log(\\.1)?")).sorted().toList();
        }
        assertTrue(logs.stream().anyMatch(f -> f.getFileName().toString().equals("token-service.log")), "the services' logs: " + logs);
        List<String> leaks = new ArrayList<>();
        for (Path log : logs) {
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            for (String secret : secrets) {
                int at = text.indexOf(secret);
                if (at >= 0) {
                    int lineStart = text.lastIndexOf('\n', at) + 1;
                    // name the place, not the secret
                    long line = text.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
                    leaks.add(log.getFileName() + " line " + line);
                }
            }
        }
        // checked: the next run records afresh (the file would otherwise grow with every build)
        Files.deleteIfExists(Seen.FILE);
        assertEquals(List.of(), leaks, "log lines that carry a secret, code or token of the tests (" + secrets.size() + " checked)");
    }
}
