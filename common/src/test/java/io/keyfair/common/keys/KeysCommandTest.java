package io.keyfair.common.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JWSAlgorithm;

/** The `keys` command on a key file, as an operator runs it, without any service running. */
class KeysCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Instant now, String... args) {
        out.reset();
        err.reset();
        return new KeysCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.fixed(now, ZoneOffset.UTC)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWholeRotationLeavesOneActiveKeyPerAlgorithmAndNoRetiredOne() throws Exception {
        Path file = dir.resolve("keys.json");
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        assertEquals(0, run(t0, "--file", file.toString(), "generate"), err());
        KeyRing generated = KeyRing.load(file);

        assertEquals(0, run(t0, "--file", file.toString(), "add-next"), err());
        assertEquals(4, KeyRing.load(file).entries().size(), "a next key per algorithm");
        assertEquals(0, run(t0, "--file", file.toString(), "promote"), err());
        KeyRing promoted = KeyRing.load(file);
        assertEquals(2, promoted.entries().stream().filter(e -> e.state() == KeyState.RETIRED).count());
        assertTrue(promoted.byKid(generated.active(JWSAlgorithm.RS256).orElseThrow().kid()).orElseThrow().retiredAt().isPresent());

        assertEquals(0, run(t0.plus(Duration.ofDays(7)).plusSeconds(5), "--file", file.toString(), "prune"), err());

        KeyRing pruned = KeyRing.load(file);
        assertEquals(2, pruned.entries().size());
        assertTrue(pruned.entries().stream().allMatch(e -> e.state() == KeyState.ACTIVE));
        assertFalse(pruned.byKid(generated.active(JWSAlgorithm.ES256).orElseThrow().kid()).isPresent());
    }

    @Test
    void theKeyFileStaysReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("keys.json");
        run(Instant.now(), "--file", file.toString(), "generate");
        run(Instant.now(), "--file", file.toString(), "add-next", "--alg", "RS256");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary file left behind");
        }
    }

    @Test
    void pruningBeforeTheTokensExpiredIsRefusedForANamedKeyAndChangesNothing() throws Exception {
        Path file = dir.resolve("keys.json");
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        run(t0, "--file", file.toString(), "generate");
        String old = KeyRing.load(file).active(JWSAlgorithm.RS256).orElseThrow().kid();
        run(t0, "--file", file.toString(), "add-next", "--alg", "RS256");
        run(t0, "--file", file.toString(), "promote", "--alg", "RS256");
        String before = Files.readString(file);

        int status = run(t0.plusSeconds(3600), "--file", file.toString(), "prune", "--max-token-lifetime", "86400s", "--kid", old);

        assertEquals(1, status);
        assertTrue(err().contains("refused") && err().contains("may have live tokens"), err());
        assertEquals(before, Files.readString(file));
    }

    @Test
    void retiringTheOnlyActiveKeyIsRefusedWithStatusOne() throws Exception {
        Path file = dir.resolve("keys.json");
        run(Instant.now(), "--file", file.toString(), "generate");
        String active = KeyRing.load(file).active(JWSAlgorithm.ES256).orElseThrow().kid();

        assertEquals(1, run(Instant.now(), "--file", file.toString(), "retire", active));
        assertTrue(err().contains("only active ES256 key"), err());
    }

    @Test
    void generateRefusesToReplaceAnExistingKeyFile() throws Exception {
        Path file = dir.resolve("keys.json");
        run(Instant.now(), "--file", file.toString(), "generate");
        String before = Files.readString(file);
        assertEquals(1, run(Instant.now(), "--file", file.toString(), "generate"));
        assertEquals(before, Files.readString(file));
    }

    @Test
    void withASecretNameTheResultIsASecretManifestAndTheFileIsUntouched() throws Exception {
        Path file = dir.resolve("keys.json");
        run(Instant.now(), "--file", file.toString(), "generate");
        String before = Files.readString(file);

        assertEquals(0, run(Instant.now(), "--file", file.toString(), "--k8s-secret", "keyfair-signing-keys",
                "--namespace", "keyfair", "add-next"), err());

        assertEquals(before, Files.readString(file));
        String manifest = out();
        assertTrue(manifest.startsWith("apiVersion: v1\nkind: Secret\nmetadata:\n  name: keyfair-signing-keys\n  namespace: keyfair\n"),
                manifest);
        String data = manifest.substring(manifest.indexOf("keys.json: ") + "keys.json: ".length()).trim();
        KeyRing inSecret = KeyRing.parse(new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8));
        assertEquals(4, inSecret.entries().size());
    }

    @Test
    void listShowsKidsAndStatesButNoKeyMaterial() throws Exception {
        Path file = dir.resolve("keys.json");
        run(Instant.now(), "--file", file.toString(), "generate");
        KeyRing ring = KeyRing.load(file);
        assertEquals(0, run(Instant.now(), "--file", file.toString(), "list"));
        for (KeyRing.Entry e : ring.entries()) {
            assertTrue(out().contains(e.kid() + "\t" + e.algorithm() + "\tactive"), out());
        }
        assertFalse(out().contains(ring.entries().get(0).jwk().toJSONObject().get("d").toString()));
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertEquals(2, run(Instant.now(), "--file", dir.resolve("k.json").toString(), "prune", "--maxlife", "1d"));
        assertTrue(err().contains("usage:"), err());
    }
}
