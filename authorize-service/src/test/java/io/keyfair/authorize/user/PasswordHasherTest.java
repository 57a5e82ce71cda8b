package io.keyfair.authorize.user;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Argon2id hashing itself, without the service around it. */
class PasswordHasherTest {

    private static PasswordConfig config(int memoryKib, int iterations, int parallelism) {
        return new PasswordConfig() {
            @Override
            public int memoryKib() {
                return memoryKib;
            }

            @Override
            public int iterations() {
                return iterations;
            }

            @Override
            public int parallelism() {
                return parallelism;
            }

            @Override
            public java.util.Optional<Integer> maxConcurrent() {
                return java.util.Optional.empty();
            }
        };
    }

    private final PasswordHasher hasher = new PasswordHasher(null, config(19_456, 2, 1));

    @Test
    void hashIsAStandardArgon2idPhcStringWithTheOwaspMinimum() {
        String hash = hasher.hashNow("päss wörd");
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
    }

    @Test
    void theRightPasswordVerifiesAndAnyOtherDoesNot() {
        String hash = hasher.hashNow("päss wörd");
        assertTrue(hasher.verifyNow(hash, "päss wörd"));
        assertFalse(hasher.verifyNow(hash, "pass word"));
        assertFalse(hasher.verifyNow(hash, ""));
        assertFalse(hasher.verifyNow("not a hash", "päss wörd"));
    }

    @Test
    void onLinuxX8664TheNativeLibargon2HashesAndMatchesTheJavaImplementation() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "libargon2 ships for Linux x86_64 here");
        assertTrue(PasswordHasher.NATIVE, "the native library loads and passes its known-answer check");
        String hash = hasher.hashNow("päss wörd");
        java.util.regex.Matcher phc = java.util.regex.Pattern.compile(".*\\$([^$]+)\\$([^$]+)$").matcher(hash);
        assertTrue(phc.matches());
        byte[] javaHash = PasswordHasher.javaDerive("päss wörd", java.util.Base64.getDecoder().decode(phc.group(1)), 19_456, 2, 1, 32);
        org.junit.jupiter.api.Assertions.assertArrayEquals(javaHash, java.util.Base64.getDecoder().decode(phc.group(2)),
                "a native hash is what the Java implementation computes, so either verifies the other's");
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertNotEquals(hasher.hashNow("same"), hasher.hashNow("same"));
    }

    @Test
    void aHashFromTheReferenceImplementationVerifies() {
        // made by the reference argon2 CLI: echo -n password | argon2 somesaltsomesalt -id -t 2 -k 19456 -p 1 -l 32 -e
        String reference = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$K13EBUiG7JV+9ZxztmHFTdb7J0WQsnj2V8bZaqyPptE";
        assertTrue(hasher.verifyNow(reference, "password"));
        assertFalse(hasher.verifyNow(reference, "Password"));
    }

    @Test
    void settingsBelowTheOwaspMinimumStopTheService() {
        assertThrows(IllegalStateException.class, () -> new PasswordHasher(null, config(4096, 2, 1)));
        assertThrows(IllegalStateException.class, () -> new PasswordHasher(null, config(19_456, 1, 1)));
        assertThrows(IllegalStateException.class, () -> new PasswordHasher(null, config(19_456, 2, 0)));
    }
}
