package io.keyfair.token.bootstrap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.secret.Secrets;

/** The bootstrap admin client's secret must be able to hold 256 bits of randomness, or start-up stops. */
class AdminSecretStrengthTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "5f0c9e2ab7d14e63a8c1f07b92d6e4a1c3b85f7e09d2a6c4e1f8b3d7a05c92e6", // 64 hex: 256 bits
            "Xq3_vR9-kLm2Tz8pWc4YhN7bGd1sFj6eQa0uKo5iHr-", // 43 base64url: 258 bits
            "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", // 64 hex digits: the conformance suite's dev value
    })
    void secretsWithRoomFor256BitsAreAccepted(String secret) {
        assertTrue(AdminClientBootstrap.holdsAtLeast256Bits(secret));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // long but one character
            "5f0c9e2ab7d14e63a8c1f07b92d6e4a1", // 128 bits of hex
            "correct-horse-battery", // a passphrase: too short
            "0123456789012345678901234567890123456789012345678901234567890", // 61 digits: 244 bits at most
            "secret with spaces and more than enough characters to pass a length rule",
    })
    void weakSecretsAreRefused(String secret) {
        assertFalse(AdminClientBootstrap.holdsAtLeast256Bits(secret));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyGeneratedSecretIsAccepted(int run) {
        assertTrue(AdminClientBootstrap.holdsAtLeast256Bits(Secrets.newSecret()), "run " + run);
    }
}
