package io.keyfair.common.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;

/** A key goes next → active → retired → pruned, and no step may strand a live token or an algorithm. */
class KeyRotationTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final Duration LIFETIME = Duration.ofDays(1);

    private static String activeKid(KeyRing ring, JWSAlgorithm alg) {
        return ring.active(alg).orElseThrow().kid();
    }

    private static KeyState state(KeyRing ring, String kid) {
        return ring.byKid(kid).orElseThrow().state();
    }

    @Test
    void aGeneratedSetHasOneActiveKeyPerAlgorithm() {
        KeyRing ring = KeyRotation.generate();
        assertEquals(2, ring.entries().size());
        assertTrue(ring.active(JWSAlgorithm.RS256).isPresent());
        assertTrue(ring.active(JWSAlgorithm.ES256).isPresent());
    }

    @Test
    void aNextKeyIsPublishedButDoesNotSign() {
        KeyRing ring = KeyRotation.generate();
        String active = activeKid(ring, JWSAlgorithm.RS256);
        KeyRing withNext = KeyRotation.addNext(ring, JWSAlgorithm.RS256);
        String next = withNext.entries().get(2).kid();
        assertEquals(KeyState.NEXT, state(withNext, next));
        assertEquals(active, activeKid(withNext, JWSAlgorithm.RS256), "the old key still signs");
        assertTrue(withNext.publicJwksJson().contains(next), "the JWKS carries the next key before it signs");
    }

    @Test
    void promotingMakesTheNextKeySignAndRetiresTheOldOneAtThatMoment() {
        KeyRing ring = KeyRotation.generate();
        String old = activeKid(ring, JWSAlgorithm.ES256);
        KeyRing withNext = KeyRotation.addNext(ring, JWSAlgorithm.ES256);
        String next = withNext.entries().get(2).kid();

        KeyRing promoted = KeyRotation.promote(withNext, JWSAlgorithm.ES256, T0);

        assertEquals(next, activeKid(promoted, JWSAlgorithm.ES256));
        assertEquals(KeyState.RETIRED, state(promoted, old));
        assertEquals(Optional.of(T0), promoted.byKid(old).orElseThrow().retiredAt());
        assertTrue(promoted.publicJwksJson().contains(old), "the old key stays published for its tokens");
        assertEquals(activeKid(ring, JWSAlgorithm.RS256), activeKid(promoted, JWSAlgorithm.RS256), "RS256 untouched");
    }

    @Test
    void promotingWithoutANextKeyIsRefused() {
        KeyRing ring = KeyRotation.generate();
        KeyRotation.Refused refused = assertThrows(KeyRotation.Refused.class,
                () -> KeyRotation.promote(ring, JWSAlgorithm.RS256, T0));
        assertTrue(refused.getMessage().contains("add-next"), refused.getMessage());
    }

    @Test
    void aSecondNextKeyForOneAlgorithmIsRefused() {
        KeyRing withNext = KeyRotation.addNext(KeyRotation.generate(), JWSAlgorithm.RS256);
        assertThrows(KeyRotation.Refused.class, () -> KeyRotation.addNext(withNext, JWSAlgorithm.RS256));
    }

    @Test
    void retiringTheOnlyActiveKeyIsRefused() {
        KeyRing ring = KeyRotation.generate();
        String active = activeKid(ring, JWSAlgorithm.RS256);
        KeyRotation.Refused refused = assertThrows(KeyRotation.Refused.class, () -> KeyRotation.retire(ring, active, T0));
        assertTrue(refused.getMessage().contains("only active"), refused.getMessage());
    }

    @Test
    void anUnwantedNextKeyCanBeRetired() {
        KeyRing withNext = KeyRotation.addNext(KeyRotation.generate(), JWSAlgorithm.RS256);
        String next = withNext.entries().get(2).kid();
        KeyRing retired = KeyRotation.retire(withNext, next, T0);
        assertEquals(KeyState.RETIRED, state(retired, next));
        assertEquals(Optional.of(T0), retired.byKid(next).orElseThrow().retiredAt());
    }

    @Test
    void aRetiredKeyIsPrunedOnceTheLongestTokenItSignedHasExpired() {
        KeyRing promoted = rotated();
        String old = retiredKid(promoted);
        Instant afterEveryToken = T0.plus(LIFETIME).plus(KeyRotation.CLOCK_LEEWAY);

        KeyRotation.Pruned pruned = KeyRotation.prune(promoted, LIFETIME, afterEveryToken, Optional.empty());

        assertEquals(java.util.List.of(old), pruned.prunedKids());
        assertTrue(pruned.ring().byKid(old).isEmpty());
        assertTrue(!pruned.ring().publicJwksJson().contains(old), "gone from the JWKS");
    }

    @Test
    void pruningKeepsARetiredKeyWhoseTokensMayStillLive() {
        KeyRing promoted = rotated();
        String old = retiredKid(promoted);
        Instant stillLive = T0.plus(LIFETIME); // within the verifiers' clock leeway

        KeyRotation.Pruned pruned = KeyRotation.prune(promoted, LIFETIME, stillLive, Optional.empty());

        assertTrue(pruned.prunedKids().isEmpty());
        assertTrue(pruned.ring().byKid(old).isPresent());
        assertTrue(pruned.kept().get(0).contains("may have live tokens"), pruned.kept().toString());
    }

    @Test
    void pruningANamedKeyWhoseTokensMayStillLiveIsRefused() {
        KeyRing promoted = rotated();
        String old = retiredKid(promoted);
        assertThrows(KeyRotation.Refused.class,
                () -> KeyRotation.prune(promoted, LIFETIME, T0.plusSeconds(60), Optional.of(old)));
    }

    @Test
    void pruningAnActiveKeyIsRefused() {
        KeyRing ring = KeyRotation.generate();
        String active = activeKid(ring, JWSAlgorithm.RS256);
        assertThrows(KeyRotation.Refused.class,
                () -> KeyRotation.prune(ring, LIFETIME, T0.plus(Duration.ofDays(30)), Optional.of(active)));
    }

    @Test
    void statesAndRetirementTimesSurviveTheKeyFile() throws Exception {
        KeyRing promoted = rotated();
        KeyRing reread = KeyRing.parse(promoted.toJson());
        for (KeyRing.Entry e : promoted.entries()) {
            KeyRing.Entry r = reread.byKid(e.kid()).orElseThrow();
            assertEquals(e.state(), r.state());
            assertEquals(e.retiredAt(), r.retiredAt());
            assertEquals(e.jwk(), r.jwk());
        }
        assertNotEquals(-1, promoted.toJson().indexOf("\"retired_at\""));
        assertTrue(!promoted.publicJwksJson().contains("\"d\""), "no private member in the JWKS");
    }

    private static KeyRing rotated() {
        return KeyRotation.promote(KeyRotation.addNext(KeyRotation.generate(), JWSAlgorithm.RS256), JWSAlgorithm.RS256, T0);
    }

    private static String retiredKid(KeyRing ring) {
        return ring.entries().stream().filter(e -> e.state() == KeyState.RETIRED).findFirst().orElseThrow().kid();
    }
}
