package io.keyfair.common.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The signing keys: a JWK set with private keys, each with a `kid`, an `alg` (RS256 or ES256)
 * and Keyfair's `status` member (`next`, `active` or `retired`; `active` when absent).
 */
public final class KeyRing {

    /** The non-standard JWK member that holds a key's {@link KeyState}. */
    public static final String STATE_MEMBER = "status";

    public record Entry(JWK jwk, JWSAlgorithm algorithm, KeyState state) {
    }

    private final List<Entry> entries;
    private final Map<JWSAlgorithm, Entry> activeByAlgorithm;
    private final String publicJwksJson;

    private KeyRing(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        Map<JWSAlgorithm, Entry> active = new LinkedHashMap<>();
        List<JWK> published = new ArrayList<>();
        for (Entry e : entries) {
            if (e.state() == KeyState.ACTIVE && active.putIfAbsent(e.algorithm(), e) != null) {
                throw new IllegalArgumentException("more than one active " + e.algorithm() + " key");
            }
            published.add(e.jwk().toPublicJWK());
        }
        this.activeByAlgorithm = Collections.unmodifiableMap(active);
        this.publicJwksJson = new JWKSet(published).toString(true);
    }

    public static KeyRing load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static KeyRing parse(String json) throws IOException {
        Map<String, Object> set = new ObjectMapper().readValue(json, new TypeReference<>() {
        });
        if (!(set.get("keys") instanceof List<?> keys) || keys.isEmpty()) {
            throw new IOException("the key file holds no \"keys\"");
        }
        List<Entry> entries = new ArrayList<>();
        for (Object k : keys) {
            @SuppressWarnings("unchecked")
            Map<String, Object> member = new LinkedHashMap<>((Map<String, Object>) k);
            Object state = member.remove(STATE_MEMBER);
            JWK jwk;
            try {
                jwk = JWK.parse(member);
            } catch (ParseException e) {
                throw new IOException("a key in the key file is not a valid JWK", e);
            }
            if (jwk.getKeyID() == null || jwk.getAlgorithm() == null || !jwk.isPrivate()) {
                throw new IOException("every key needs a kid, an alg and its private part");
            }
            JWSAlgorithm alg = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
            if (!alg.equals(JWSAlgorithm.RS256) && !alg.equals(JWSAlgorithm.ES256)) {
                throw new IOException("unsupported key algorithm " + alg + " for kid " + jwk.getKeyID());
            }
            KeyState keyState = state == null ? KeyState.ACTIVE : KeyState.valueOf(state.toString().toUpperCase(Locale.ROOT));
            entries.add(new Entry(jwk, alg, keyState));
        }
        return new KeyRing(entries);
    }

    /** The key that signs new tokens with this algorithm, if the ring has one. */
    public Optional<Entry> active(JWSAlgorithm algorithm) {
        return Optional.ofNullable(activeByAlgorithm.get(algorithm));
    }

    public Optional<Entry> byKid(String kid) {
        return entries.stream().filter(e -> e.jwk().getKeyID().equals(kid)).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The JWKS document: the public part of every key, next, active and retired. */
    public String publicJwksJson() {
        return publicJwksJson;
    }
}
