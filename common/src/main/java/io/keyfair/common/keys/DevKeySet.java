package io.keyfair.common.keys;

import java.nio.file.Files;
import java.nio.file.Path;

import com.nimbusds.jose.JOSEException;

/**
 * Generates a development key set: one active RS256 key (RSA-2048) and one active ES256 key
 * (P-256). `java -cp … io.keyfair.common.keys.DevKeySet FILE` writes FILE unless it exists.
 */
public final class DevKeySet {

    private DevKeySet() {
    }

    public static String generateJson() throws JOSEException {
        return KeyRotation.generate().toJson();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DevKeySet FILE");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (Files.exists(file)) {
            System.out.println("key set exists: " + file);
            return;
        }
        KeyFile.write(file, KeyRotation.generate());
        System.out.println("generated a development key set: " + file);
    }
}
