package io.keyfair.common.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The signing keys: a JWK set with private keys, each with a `kid`, an `alg` (RS256 or ES256),
 * Keyfair's `status` member (`next`, `active` or `retired`; `active` when absent) and, on a retired
 * key, `retired_at` (epoch seconds), from which the keys CLI knows when its last token expired.
 * Immutable: a rotation makes a new ring. At most one key per algorithm is active, and at least
 * one key is. Error messages never quote the file, which holds private keys.
 */
public final class KeyRing {

    /** The non-standard JWK member that holds a key's {@link KeyState}. */
    public static final String STATE_MEMBER = "status";
    /** The non-standard JWK member that holds when a key was retired, in epoch seconds. */
    public static final String RETIRED_AT_MEMBER = "retired_at";

    /** One key; {@code retiredAt} is present exactly on a retired key that knows when it retired. */
    public record Entry(JWK jwk, JWSAlgorithm algorithm, KeyState state, Optional<Instant> retiredAt) {

        public Entry {
            if (!jwk.isPrivate()) {
                throw new IllegalArgumentException("key " + jwk.getKeyID() + " has no private part");
            }
        }

        public String kid() {
            return jwk.getKeyID();
        }

        public Entry withState(KeyState newState, Optional<Instant> newRetiredAt) {
            return new Entry(jwk, algorithm, newState, newRetiredAt);
        }
    }

    private final List<Entry> entries;
    private final Map<JWSAlgorithm, Entry> activeByAlgorithm;
    private final JWKSet publicJwkSet;
    private final String publicJwksJson;

    private KeyRing(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        Map<JWSAlgorithm, Entry> active = new LinkedHashMap<>();
        Set<String> kids = new HashSet<>();
        List<JWK> published = new ArrayList<>();
        for (Entry e : entries) {
            if (!kids.add(e.kid())) {
                throw new IllegalArgumentException("two keys have the kid " + e.kid());
            }
            if (e.state() == KeyState.ACTIVE && active.putIfAbsent(e.algorithm(), e) != null) {
                throw new IllegalArgumentException("more than one active " + e.algorithm() + " key");
            }
            published.add(e.jwk().toPublicJWK());
        }
        if (active.isEmpty()) {
            throw new IllegalArgumentException("no active key");
        }
        this.activeByAlgorithm = Collections.unmodifiableMap(active);
        this.publicJwkSet = new JWKSet(published);
        this.publicJwksJson = publicJwkSet.toString(true);
    }

    /** A ring of these keys; {@link IllegalArgumentException} when they break a rule above. */
    public static KeyRing of(List<Entry> entries) {
        return new KeyRing(entries);
    }

    public static KeyRing load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static KeyRing parse(String json) throws IOException {
        Map<String, Object> set;
        try {
            set = new ObjectMapper().readValue(json, new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            // the parser's message may quote the text around the error: key material
            var at = e.getLocation();
            throw new IOException(at == null ? "the key file is not a JSON object"
                    : "the key file is not a JSON object (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        if (set == null || !(set.get("keys") instanceof List<?> keys) || keys.isEmpty()) {
            throw new IOException("the key file holds no \"keys\"");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            entries.add(entry(keys.get(i), i));
        }
        try {
            return new KeyRing(entries);
        } catch (IllegalArgumentException e) {
            throw new IOException("the key file has " + e.getMessage(), e);
        }
    }

    private static Entry entry(Object key, int index) throws IOException {
        if (!(key instanceof Map<?, ?> map)) {
            throw new IOException("key " + index + " in the key file is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> member = new LinkedHashMap<>((Map<String, Object>) map);
        Object state = member.remove(STATE_MEMBER);
        Object retiredAt = member.remove(RETIRED_AT_MEMBER);
        JWK jwk;
        try {
            jwk = JWK.parse(member);
        } catch (ParseException | RuntimeException e) {
            throw new IOException("key " + index + " in the key file is not a valid JWK");
        }
        if (jwk.getKeyID() == null || jwk.getAlgorithm() == null || !jwk.isPrivate()) {
            throw new IOException("every key needs a kid, an alg and its private part (key " + index + ")");
        }
        JWSAlgorithm alg = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
        if (!alg.equals(JWSAlgorithm.RS256) && !alg.equals(JWSAlgorithm.ES256)) {
            throw new IOException("unsupported key algorithm " + alg + " for kid " + jwk.getKeyID());
        }
        KeyState keyState;
        try {
            keyState = state == null ? KeyState.ACTIVE : KeyState.valueOf(state.toString().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown status of kid " + jwk.getKeyID() + " (next, active or retired)");
        }
        Optional<Instant> retired = Optional.empty();
        if (retiredAt != null) {
            if (!(retiredAt instanceof Number n) || keyState != KeyState.RETIRED) {
                throw new IOException("retired_at of kid " + jwk.getKeyID() + " must be epoch seconds on a retired key");
            }
            retired = Optional.of(Instant.ofEpochSecond(n.longValue()));
        }
        return new Entry(jwk, alg, keyState, retired);
    }

    /** The key set as it is stored: private keys with their `status` and `retired_at`. */
    public String toJson() {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> member = new LinkedHashMap<>(e.jwk().toJSONObject());
            member.put(STATE_MEMBER, e.state().name().toLowerCase(Locale.ROOT));
            e.retiredAt().ifPresent(at -> member.put(RETIRED_AT_MEMBER, at.getEpochSecond()));
            keys.add(member);
        }
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("keys", keys)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key that signs new tokens with this algorithm, if the ring has one. */
    public Optional<Entry> active(JWSAlgorithm algorithm) {
        return Optional.ofNullable(activeByAlgorithm.get(algorithm));
    }

    /** The algorithms this ring signs with (each has exactly one active key). */
    public Set<JWSAlgorithm> signingAlgorithms() {
        return activeByAlgorithm.keySet();
    }

    public Optional<Entry> byKid(String kid) {
        return entries.stream().filter(e -> e.kid().equals(kid)).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The public part of every key, next, active and retired. */
    public JWKSet publicJwkSet() {
        return publicJwkSet;
    }

    /** The JWKS document: {@link #publicJwkSet()} as JSON. */
    public String publicJwksJson() {
        return publicJwksJson;
    }
}
