package io.keyfair.common.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * The steps of a key rotation (DESIGN.md, "Keys"), each from one immutable {@link KeyRing} to the
 * next: {@link #addNext} publishes a key before it signs, {@link #promote} makes it sign and
 * retires the key it replaces, {@link #prune} removes retired keys once every token they signed
 * has expired. A step that would break a live token or leave an algorithm without a signing key
 * is {@link Refused}.
 */
public final class KeyRotation {

    /** Verifiers accept a token this long after its `exp` (CONTRACT: at most 5 s of clock leeway). */
    public static final Duration CLOCK_LEEWAY = Duration.ofSeconds(5);

    /** The algorithms Keyfair signs with; every ring signs with both. */
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** A step that is not allowed on this ring; the message says why and what to do instead. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** What {@link #prune} did: the ring without the pruned keys, and why each retired key stayed. */
    public record Pruned(KeyRing ring, List<String> prunedKids, List<String> kept) {
    }

    private KeyRotation() {
    }

    /** A fresh ring: one active RS256 key (RSA-2048) and one active ES256 key (P-256). */
    public static KeyRing generate() {
        List<KeyRing.Entry> entries = new ArrayList<>();
        for (JWSAlgorithm alg : ALGORITHMS) {
            entries.add(new KeyRing.Entry(newKey(alg), alg, KeyState.ACTIVE, Optional.empty()));
        }
        return KeyRing.of(entries);
    }

    static JWK newKey(JWSAlgorithm alg) {
        try {
            if (alg.equals(JWSAlgorithm.ES256)) {
                return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(alg)
                        .keyID("es-" + UUID.randomUUID()).generate();
            }
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(alg)
                    .keyID("rs-" + UUID.randomUUID()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + alg + " key", e);
        }
    }

    /** Adds a `next` key for this algorithm: published in the JWKS, not signing yet. */
    public static KeyRing addNext(KeyRing ring, JWSAlgorithm alg) {
        requireSupported(alg);
        if (next(ring, alg).isPresent()) {
            throw new Refused("there is already a next " + alg + " key (" + next(ring, alg).get().kid()
                    + "): promote it first");
        }
        List<KeyRing.Entry> entries = new ArrayList<>(ring.entries());
        entries.add(new KeyRing.Entry(newKey(alg), alg, KeyState.NEXT, Optional.empty()));
        return KeyRing.of(entries);
    }

    /**
     * Makes the `next` key of this algorithm the active one and retires the key it replaces (as of
     * {@code now}), in one step, so the algorithm always has exactly one signing key.
     */
    public static KeyRing promote(KeyRing ring, JWSAlgorithm alg, Instant now) {
        requireSupported(alg);
        KeyRing.Entry next = next(ring, alg).orElseThrow(() -> new Refused(
                "there is no next " + alg + " key: add-next first, and wait until every instance and verifier has it"));
        List<KeyRing.Entry> entries = new ArrayList<>();
        for (KeyRing.Entry e : ring.entries()) {
            if (e == next) {
                entries.add(e.withState(KeyState.ACTIVE, Optional.empty()));
            } else if (e.algorithm().equals(alg) && e.state() == KeyState.ACTIVE) {
                entries.add(e.withState(KeyState.RETIRED, Optional.of(now)));
            } else {
                entries.add(e);
            }
        }
        return KeyRing.of(entries);
    }

    /**
     * Retires a `next` key that is no longer wanted. The active key of an algorithm is never retired
     * on its own (tokens of that algorithm could not be signed): {@link #promote} a next key instead.
     */
    public static KeyRing retire(KeyRing ring, String kid, Instant now) {
        KeyRing.Entry key = ring.byKid(kid).orElseThrow(() -> new Refused("no key has the kid " + kid));
        switch (key.state()) {
            case ACTIVE -> throw new Refused(kid + " is the only active " + key.algorithm()
                    + " key: add-next and promote a new key, which retires this one");
            case RETIRED -> throw new Refused(kid + " is already retired");
            case NEXT -> {
                // a next key may have signed nothing, but a verifier may already cache it: it goes
                // through retirement like any other key
            }
        }
        List<KeyRing.Entry> entries = new ArrayList<>();
        for (KeyRing.Entry e : ring.entries()) {
            entries.add(e == key ? e.withState(KeyState.RETIRED, Optional.of(now)) : e);
        }
        return KeyRing.of(entries);
    }

    /**
     * Removes the retired keys whose every token has expired: retired at least
     * {@code maxTokenLifetime} plus the clock leeway before {@code now}. With a {@code kid}, only
     * that key, and a key that may still have live tokens is {@link Refused}.
     */
    public static Pruned prune(KeyRing ring, Duration maxTokenLifetime, Instant now, Optional<String> kid) {
        kid.ifPresent(k -> {
            KeyRing.Entry key = ring.byKid(k).orElseThrow(() -> new Refused("no key has the kid " + k));
            if (key.state() != KeyState.RETIRED) {
                throw new Refused(k + " is " + key.state().name().toLowerCase() + ", only retired keys are pruned");
            }
            Optional<String> why = stillNeeded(key, maxTokenLifetime, now);
            if (why.isPresent()) {
                throw new Refused(why.get());
            }
        });
        List<KeyRing.Entry> remaining = new ArrayList<>();
        List<String> pruned = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (KeyRing.Entry e : ring.entries()) {
            boolean candidate = e.state() == KeyState.RETIRED && kid.map(e.kid()::equals).orElse(true);
            Optional<String> why = candidate ? stillNeeded(e, maxTokenLifetime, now) : Optional.empty();
            if (candidate && why.isEmpty()) {
                pruned.add(e.kid());
            } else {
                why.ifPresent(kept::add);
                remaining.add(e);
            }
        }
        return new Pruned(KeyRing.of(remaining), pruned, kept);
    }

    /** Why a retired key must stay published, or empty when every token it signed has expired. */
    private static Optional<String> stillNeeded(KeyRing.Entry key, Duration maxTokenLifetime, Instant now) {
        if (key.retiredAt().isEmpty()) {
            return Optional.of(key.kid() + " has no retired_at, so when its last token expires is unknown: kept");
        }
        Instant expired = key.retiredAt().get().plus(maxTokenLifetime).plus(CLOCK_LEEWAY);
        if (now.isBefore(expired)) {
            return Optional.of(key.kid() + " may have live tokens until " + expired + ": kept");
        }
        return Optional.empty();
    }

    private static Optional<KeyRing.Entry> next(KeyRing ring, JWSAlgorithm alg) {
        return ring.entries().stream().filter(e -> e.algorithm().equals(alg) && e.state() == KeyState.NEXT).findFirst();
    }

    private static void requireSupported(JWSAlgorithm alg) {
        if (!ALGORITHMS.contains(alg)) {
            throw new Refused("unsupported algorithm " + alg + " (RS256 or ES256)");
        }
    }
}
