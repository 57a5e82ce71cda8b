package io.keyfair.common.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A service that requires DPoP server nonces (RFC 9449 §8), with a test-only secret. */
public class DpopNoncesRequired implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("keyfair.dpop.nonce.required", "true",
                "keyfair.dpop.nonce.secret", "test-only-nonce-secret-of-32-characters-or-more");
    }
}
