package io.keyfair.common.dpop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Stateless nonces (RFC 9449 §8): what one replica issues, every replica with the same secret accepts. */
class DpopNoncesTest {

    private static final String SECRET = "a-shared-secret-of-at-least-32-characters";
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");

    private static DpopConfig config(boolean required, String secret) {
        return () -> new DpopConfig.Nonce() {
            @Override
            public boolean required() {
                return required;
            }

            @Override
            public Optional<String> secret() {
                return Optional.ofNullable(secret);
            }

            @Override
            public Duration lifetime() {
                return Duration.ofMinutes(5);
            }
        };
    }

    private static DpopNonces replica(String secret, Instant now) {
        return new DpopNonces(config(true, secret), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aNonceFromOneReplicaIsAcceptedByAnother() {
        String nonce = replica(SECRET, T0).current();
        assertTrue(replica(SECRET, T0).accepts(nonce));
    }

    @Test
    void aNonceIsStillAcceptedInTheNextSlot() {
        String nonce = replica(SECRET, T0).current();
        assertTrue(replica(SECRET, T0.plus(Duration.ofMinutes(5))).accepts(nonce));
    }

    @Test
    void aNonceTwoSlotsOldIsRefused() {
        String nonce = replica(SECRET, T0).current();
        assertFalse(replica(SECRET, T0.plus(Duration.ofMinutes(10))).accepts(nonce));
    }

    @Test
    void aNonceUnderAnotherSecretIsRefused() {
        String nonce = replica("another-secret-of-at-least-32-characters!", T0).current();
        assertFalse(replica(SECRET, T0).accepts(nonce));
    }

    @Test
    void aMissingOrMadeUpNonceIsRefused() {
        DpopNonces nonces = replica(SECRET, T0);
        assertFalse(nonces.accepts(null));
        assertFalse(nonces.accepts("made-up"));
    }

    @Test
    void requiringNoncesWithoutASecretFailsAtStartup() {
        assertThrows(IllegalStateException.class, () -> new DpopNonces(config(true, null), Clock.systemUTC()));
        assertThrows(IllegalStateException.class, () -> new DpopNonces(config(true, "short"), Clock.systemUTC()));
    }
}
