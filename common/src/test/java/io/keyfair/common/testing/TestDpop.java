package io.keyfair.common.testing;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;

import io.keyfair.common.dpop.DpopProofVerifier;

/**
 * A DPoP client's key and the proofs it makes (RFC 9449 §4), with Nimbus JOSE; each proof has a
 * fresh `jti` and the current `iat` unless a test says otherwise.
 */
public final class TestDpop {

    /** The public token endpoint URL a proof's htu names in tests (the default issuer). */
    public static final String TOKEN_URL = TestTokens.ISSUER + "/oauth/token";
    public static final String USERINFO_URL = TestTokens.ISSUER + "/oauth/userinfo";

    private final JWSAlgorithm algorithm;
    private final JWK publicJwk;
    private final JWK privateJwk;
    private final JWSSigner signer;

    private TestDpop(JWSAlgorithm algorithm, JWK privateJwk, JWSSigner signer) {
        this.algorithm = algorithm;
        this.privateJwk = privateJwk;
        this.publicJwk = privateJwk.toPublicJWK();
        this.signer = signer;
    }

    /** A new P-256 key proving with ES256. */
    public static TestDpop es256() {
        return of(JWSAlgorithm.ES256);
    }

    /** A new key for the algorithm: ES256, RS256, PS256 or EdDSA (Ed25519). */
    public static TestDpop of(JWSAlgorithm algorithm) {
        try {
            if (algorithm.equals(JWSAlgorithm.ES256)) {
                ECKey key = new ECKeyGenerator(Curve.P_256).generate();
                return new TestDpop(algorithm, key, new ECDSASigner(key));
            }
            if (algorithm.equals(JWSAlgorithm.RS256) || algorithm.equals(JWSAlgorithm.PS256)) {
                RSAKey key = new RSAKeyGenerator(2048).generate();
                return new TestDpop(algorithm, key, new RSASSASigner(key));
            }
            if (algorithm.equals(JWSAlgorithm.EdDSA)) {
                return ed25519();
            }
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("no test key for " + algorithm);
    }

    /**
     * Ed25519 through the JDK (Nimbus signs EdDSA only with Tink): the JWK's `x` is the raw key,
     * the last 32 bytes of its X.509 encoding (RFC 8410).
     */
    private static TestDpop ed25519() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = ((EdECPublicKey) pair.getPublic()).getEncoded();
            byte[] x = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(new byte[32])).build();
            JWSSigner signer = new JWSSigner() {
                @Override
                public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
                    try {
                        Signature s = Signature.getInstance("Ed25519");
                        s.initSign(pair.getPrivate());
                        s.update(signingInput);
                        return Base64URL.encode(s.sign());
                    } catch (java.security.GeneralSecurityException e) {
                        throw new JOSEException(e.getMessage(), e);
                    }
                }

                @Override
                public Set<JWSAlgorithm> supportedJWSAlgorithms() {
                    return Set.of(JWSAlgorithm.EdDSA);
                }

                @Override
                public JCAContext getJCAContext() {
                    return new JCAContext();
                }
            };
            return new TestDpop(JWSAlgorithm.EdDSA, jwk, signer);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7638 thumbprint of the public key: what `cnf.jkt` and `dpop_jkt` carry. */
    public String jkt() {
        try {
            return publicJwk.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof for a token request to the public token endpoint. */
    public String forToken() {
        return proof().build();
    }

    /** A proof for a userinfo GET with this access token (`ath`). */
    public String forUserinfo(String accessToken) {
        return proof().htm("GET").htu(USERINFO_URL).ath(accessToken).build();
    }

    /** A proof to shape: by default POST to the token endpoint, now, with a fresh jti. */
    public Proof proof() {
        return new Proof();
    }

    /** One proof's header and claims, each changeable to make it wrong in one way. */
    public final class Proof {
        private JOSEObjectType typ = new JOSEObjectType("dpop+jwt");
        private JWSAlgorithm alg = algorithm;
        private JWK jwk = publicJwk;
        private String htm = "POST";
        private String htu = TOKEN_URL;
        private long iatOffsetSeconds;
        private String jti = UUID.randomUUID().toString();
        private String ath;
        private String nonce;
        private final Map<String, Object> extra = new java.util.HashMap<>();

        public Proof typ(String value) {
            this.typ = value == null ? null : new JOSEObjectType(value);
            return this;
        }

        /** The header's alg only; the signature stays the key's own (a lie the server must catch). */
        public Proof alg(JWSAlgorithm value) {
            this.alg = value;
            return this;
        }

        /** The private key in the header (RFC 9449 §4.3: refused). */
        public Proof privateJwk() {
            this.jwk = privateJwk;
            return this;
        }

        /** Another key in the header than the one that signs. */
        public Proof jwk(JWK value) {
            this.jwk = value;
            return this;
        }

        public Proof htm(String value) {
            this.htm = value;
            return this;
        }

        public Proof htu(String value) {
            this.htu = value;
            return this;
        }

        public Proof iatOffset(long seconds) {
            this.iatOffsetSeconds = seconds;
            return this;
        }

        public Proof jti(String value) {
            this.jti = value;
            return this;
        }

        /** `ath` as the hash of this access token. */
        public Proof ath(String accessToken) {
            this.ath = DpopProofVerifier.accessTokenHash(accessToken);
            return this;
        }

        public Proof nonce(String value) {
            this.nonce = value;
            return this;
        }

        /** Built by hand, so that it can be wrong in ways Nimbus's builders refuse (a private jwk, alg none). */
        public String build() {
            Map<String, Object> header = new java.util.LinkedHashMap<>();
            if (typ != null) {
                header.put("typ", typ.getType());
            }
            header.put("alg", alg.getName());
            if (jwk != null) {
                header.put("jwk", jwk.toJSONObject());
            }
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issueTime(new Date((System.currentTimeMillis() / 1000 + iatOffsetSeconds) * 1000));
            if (jti != null) {
                claims.jwtID(jti);
            }
            if (htm != null) {
                claims.claim("htm", htm);
            }
            if (htu != null) {
                claims.claim("htu", htu);
            }
            if (ath != null) {
                claims.claim("ath", ath);
            }
            if (nonce != null) {
                claims.claim("nonce", nonce);
            }
            extra.forEach(claims::claim);
            String input = Base64URL.encode(JSONObjectUtils.toJSONString(header)).toString() + "."
                    + Base64URL.encode(claims.build().toString()).toString();
            try {
                // signed by the key with its real algorithm, whatever the header claims
                Base64URL signature = signer.sign(new JWSHeader.Builder(algorithm).build(), input.getBytes(StandardCharsets.US_ASCII));
                return input + "." + signature;
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
