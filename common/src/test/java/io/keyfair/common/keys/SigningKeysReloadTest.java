package io.keyfair.common.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.config.KeysConfig;

/** A service picks up a rotated key file on its own, and keeps its keys when the file is broken. */
class SigningKeysReloadTest {

    record Config(Optional<String> file, Duration reloadInterval) implements KeysConfig {
        @Override
        public String jwksUrl() {
            return "http://127.0.0.1:1/oauth/jwks";
        }

        @Override
        public Duration jwksRefetchInterval() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration jwksRefreshInterval() {
            return Duration.ofMinutes(5);
        }
    }

    @TempDir
    Path dir;
    private SigningKeys keys;

    @AfterEach
    void stop() {
        if (keys != null) {
            keys.close();
        }
    }

    private SigningKeys watching(Path file, Duration interval) {
        keys = new SigningKeys(new Config(Optional.of(file.toString()), interval));
        return keys;
    }

    @Test
    void aRotatedKeyFileIsUsedWithinTheReloadInterval() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyRing original = KeyRotation.generate();
        KeyFile.write(file, original);
        SigningKeys keys = watching(file, Duration.ofMillis(200));
        KeyRing rotated = KeyRotation.promote(KeyRotation.addNext(original, JWSAlgorithm.RS256), JWSAlgorithm.RS256, Instant.now());

        KeyFile.write(file, rotated);

        String newKid = rotated.active(JWSAlgorithm.RS256).orElseThrow().kid();
        Awaitility.await().atMost(Duration.ofSeconds(3))
                .until(() -> keys.required().active(JWSAlgorithm.RS256).orElseThrow().kid().equals(newKid));
        String oldKid = original.active(JWSAlgorithm.RS256).orElseThrow().kid();
        assertTrue(keys.required().publicJwkSet().getKeyByKeyId(oldKid) != null, "the retired key still verifies");
    }

    @Test
    void anUnchangedFileKeepsTheSameRing() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyFile.write(file, KeyRotation.generate());
        SigningKeys keys = watching(file, Duration.ZERO);
        KeyRing before = keys.required();

        assertEquals(SigningKeys.Reload.UNCHANGED, keys.check());
        assertSame(before, keys.required());
    }

    @Test
    void aBrokenFileKeepsTheKeysInUse() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyFile.write(file, KeyRotation.generate());
        SigningKeys keys = watching(file, Duration.ZERO);
        KeyRing before = keys.required();

        Files.writeString(file, "{\"keys\": [{\"kty\": \"RSA\", \"d\": \"trunc");

        assertEquals(SigningKeys.Reload.REFUSED, keys.check());
        assertSame(before, keys.required());
        assertEquals(SigningKeys.Reload.UNCHANGED, keys.check(), "the same broken content is looked at once");
    }

    @Test
    void aMissingFileKeepsTheKeysInUse() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyFile.write(file, KeyRotation.generate());
        SigningKeys keys = watching(file, Duration.ZERO);
        KeyRing before = keys.required();

        Files.delete(file);

        assertEquals(SigningKeys.Reload.REFUSED, keys.check());
        assertSame(before, keys.required());
    }

    @Test
    void aFileThatStopsSigningAnAlgorithmIsRefused() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyRing original = KeyRotation.generate();
        KeyFile.write(file, original);
        SigningKeys keys = watching(file, Duration.ZERO);
        List<KeyRing.Entry> rsOnly = new ArrayList<>(original.entries());
        rsOnly.removeIf(e -> e.algorithm().equals(JWSAlgorithm.ES256));

        KeyFile.write(file, KeyRing.of(rsOnly));

        assertEquals(SigningKeys.Reload.REFUSED, keys.check());
        assertTrue(keys.required().active(JWSAlgorithm.ES256).isPresent(), "ES256 tokens can still be signed");
    }

    @Test
    void theBrokenFileFixedIsTakenAtTheNextCheck() throws Exception {
        Path file = dir.resolve("keys.json");
        KeyRing original = KeyRotation.generate();
        KeyFile.write(file, original);
        SigningKeys keys = watching(file, Duration.ZERO);
        Files.writeString(file, "not json");
        keys.check();
        KeyRing rotated = KeyRotation.addNext(original, JWSAlgorithm.ES256);

        KeyFile.write(file, rotated);

        assertEquals(SigningKeys.Reload.RELOADED, keys.check());
        assertEquals(3, keys.required().entries().size());
    }
}
