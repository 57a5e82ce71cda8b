package io.keyfair.common.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Client ids, secrets and opaque tokens. Secrets are 256-bit random values, so their SHA-256
 * compared in constant time is as strong as a slow KDF and costs microseconds (DESIGN.md).
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Secrets() {
    }

    /** 32 lowercase hex characters (128 bits). */
    public static String newClientId() {
        return randomHex(16);
    }

    /** 64 lowercase hex characters (256 bits). */
    public static String newSecret() {
        return randomHex(32);
    }

    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
