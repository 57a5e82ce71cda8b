package io.keyfair.common.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;

/**
 * JWS signatures (RS256, ES256) with one key, through a JCA {@link Signature} kept per thread and
 * initialised once. Native-backed providers such as ACCP convert the key on every `initSign` /
 * `initVerify`, which costs as much as the signature itself; a JCA Signature returns to its
 * initialised state after each `sign()` / `verify()`, so reusing it per thread is safe.
 */
public final class JwsSignatures {

    /** ES256 signatures are R || S, 32 bytes each (RFC 7518 §3.4), where JCA speaks DER. */
    private static final int ES256_LENGTH = 64;

    private final JWSAlgorithm algorithm;
    private final ThreadLocal<Signature> signature;

    private JwsSignatures(JWSAlgorithm algorithm, ThreadLocal<Signature> signature) {
        this.algorithm = algorithm;
        this.signature = signature;
    }

    public static JwsSignatures signing(JWSAlgorithm algorithm, PrivateKey key) {
        String jca = jcaName(algorithm);
        return new JwsSignatures(algorithm, ThreadLocal.withInitial(() -> {
            try {
                Signature s = Signature.getInstance(jca);
                s.initSign(key);
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign " + algorithm, e);
            }
        }));
    }

    public static JwsSignatures verifying(JWSAlgorithm algorithm, PublicKey key) {
        String jca = jcaName(algorithm);
        return new JwsSignatures(algorithm, ThreadLocal.withInitial(() -> {
            try {
                Signature s = Signature.getInstance(jca);
                s.initVerify(key);
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot verify " + algorithm, e);
            }
        }));
    }

    private static String jcaName(JWSAlgorithm algorithm) {
        if (JWSAlgorithm.RS256.equals(algorithm)) {
            return "SHA256withRSA";
        }
        if (JWSAlgorithm.ES256.equals(algorithm)) {
            return "SHA256withECDSA";
        }
        throw new IllegalArgumentException("unsupported algorithm " + algorithm);
    }

    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    /** The JWS signature of the ASCII signing input (`header.payload`). */
    public byte[] sign(byte[] signingInput) {
        try {
            Signature s = signature.get();
            s.update(signingInput);
            byte[] signed = s.sign();
            return JWSAlgorithm.ES256.equals(algorithm) ? ECDSA.transcodeSignatureToConcat(signed, ES256_LENGTH) : signed;
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** Whether the JWS signature is valid for the signing input; never throws for a bad one. */
    public boolean verify(byte[] signingInput, byte[] jwsSignature) {
        Signature s = signature.get();
        try {
            byte[] jca = jwsSignature;
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                if (jwsSignature.length != ES256_LENGTH) {
                    return false;
                }
                jca = ECDSA.transcodeSignatureToDER(jwsSignature);
            }
            s.update(signingInput);
            return s.verify(jca);
        } catch (GeneralSecurityException | JOSEException | RuntimeException e) {
            // a failed verify may leave the Signature mid-update: start this thread afresh
            signature.remove();
            return false;
        }
    }
}
