package io.keyfair.common.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * Generates a development key set: one active RS256 key (RSA-2048) and one active ES256 key
 * (P-256). `java -cp … io.keyfair.common.keys.DevKeySet FILE` writes FILE unless it exists.
 */
public final class DevKeySet {

    private DevKeySet() {
    }

    public static String generateJson() throws JOSEException {
        List<Map<String, Object>> keys = new ArrayList<>();
        keys.add(withState(new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyID("rs-" + UUID.randomUUID()).generate()));
        keys.add(withState(new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                .keyID("es-" + UUID.randomUUID()).generate()));
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("keys", keys));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> withState(JWK jwk) {
        Map<String, Object> member = new LinkedHashMap<>(jwk.toJSONObject());
        member.put(KeyRing.STATE_MEMBER, "active");
        return member;
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
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "keys", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, generateJson());
        Files.move(tmp, file);
        System.out.println("generated a development key set: " + file);
    }
}
