package io.keyfair.registry.client;

import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import io.keyfair.common.error.OAuthException;

/**
 * The `jwks` a `private_key_jwt` client registers (RFC 7591 §2, RFC 7523): a JWK set of public
 * signing keys that token-service checks its client assertions against. Each key must be one
 * token-service can verify (RSA of at least 2048 bits, or EC on P-256, P-384 or P-521), public
 * only, for signing, and named by a distinct `kid` when there are several.
 */
final class ClientKeys {

    static final int MAX_KEYS = 10;
    static final int MAX_JSON = 16_384;
    private static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.P_521);

    private ClientKeys() {
    }

    /** The set as given, checked; the problem as `invalid_client_metadata` otherwise. */
    static ObjectNode check(JsonNode given, Function<String, OAuthException> invalid) {
        if (!(given instanceof ObjectNode object)) {
            throw invalid.apply("jwks must be a JWK set: an object with a keys array");
        }
        String json = object.toString();
        if (json.length() > MAX_JSON) {
            throw invalid.apply("jwks must be at most " + MAX_JSON + " characters");
        }
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw invalid.apply("jwks is not a valid JWK set");
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
            throw invalid.apply("jwks must hold 1 to " + MAX_KEYS + " keys");
        }
        Set<String> kids = new HashSet<>();
        for (JWK key : set.getKeys()) {
            // a private key sent to us is a leaked key: refuse it rather than store it
            if (key.isPrivate()) {
                throw invalid.apply("jwks must hold public keys only");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                throw invalid.apply("jwks keys must be signing keys (use sig)");
            }
            if (key instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    throw invalid.apply("jwks RSA keys must have at least 2048 bits");
                }
            } else if (key instanceof ECKey ec) {
                if (!CURVES.contains(ec.getCurve())) {
                    throw invalid.apply("jwks EC keys must be on P-256, P-384 or P-521");
                }
            } else {
                throw invalid.apply("jwks keys must be RSA or EC keys");
            }
            if (set.getKeys().size() > 1 && (key.getKeyID() == null || !kids.add(key.getKeyID()))) {
                throw invalid.apply("jwks keys must each have a distinct kid");
            }
        }
        return object;
    }
}
