package io.keyfair.registry.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/** Keys a `private_key_jwt` client might register, made once per test run. */
final class ClientKeysFixture {

    static final RSAKey RSA = generate(2048, "sig-1", KeyUse.SIGNATURE);
    static final RSAKey SMALL_RSA = generate(1024, "small", KeyUse.SIGNATURE);
    static final RSAKey ENCRYPTION = generate(2048, "enc-1", KeyUse.ENCRYPTION);

    private ClientKeysFixture() {
    }

    private static RSAKey generate(int bits, String kid, KeyUse use) {
        try {
            return new RSAKeyGenerator(bits, true).keyID(kid).keyUse(use).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
