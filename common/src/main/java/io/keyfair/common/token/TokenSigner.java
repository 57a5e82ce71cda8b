package io.keyfair.common.token;

import java.security.PrivateKey;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jose.util.Base64URL;

import io.keyfair.common.crypto.CryptoProvider;
import io.keyfair.common.crypto.JwsSignatures;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.keys.KeyRing;
import io.keyfair.common.keys.KeyState;
import io.keyfair.common.keys.SigningKeys;

/** The one place that signs tokens. Signers are built once per key, never per request. */
@ApplicationScoped
public class TokenSigner {

    /** RFC 9068 §2.1. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");
    /** The private claim carrying {@link AccessToken#grantId()}. */
    public static final String GRANT_ID_CLAIM = "gid";

    /** One active key: its id, the access tokens' JWS header already Base64URL-encoded, its signatures. */
    private record Signer(String kid, String accessTokenHeader, JwsSignatures signatures) {
    }

    private final Map<JWSAlgorithm, Signer> signers = new HashMap<>();

    /** @param crypto installs the fastest provider before any signer is built */
    TokenSigner(SigningKeys keys, CryptoProvider crypto) {
        keys.ring().ifPresent(ring -> {
            for (KeyRing.Entry e : ring.entries()) {
                if (e.state() == KeyState.ACTIVE) {
                    signers.put(e.algorithm(), signerFor(e));
                }
            }
        });
    }

    private static Signer signerFor(KeyRing.Entry e) {
        try {
            PrivateKey key = e.algorithm().equals(JWSAlgorithm.ES256)
                    ? ((ECKey) e.jwk()).toPrivateKey()
                    : ((RSAKey) e.jwk()).toPrivateKey();
            // every token of a kind has the same header: encode it once
            String header = new JWSHeader.Builder(e.algorithm()).type(ACCESS_TOKEN_TYPE).keyID(e.jwk().getKeyID()).build()
                    .toBase64URL().toString();
            return new Signer(e.jwk().getKeyID(), header, JwsSignatures.signing(e.algorithm(), key));
        } catch (JOSEException ex) {
            throw new IllegalStateException("unusable signing key " + e.jwk().getKeyID(), ex);
        }
    }

    /** Whether new tokens can be signed with this algorithm. */
    public boolean supports(JWSAlgorithm algorithm) {
        return signers.containsKey(algorithm);
    }

    public String sign(AccessToken token) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(token.issuer())
                .subject(token.subject())
                .audience(token.audience())
                .claim("client_id", token.clientId())
                .claim("scope", token.scope())
                .issueTime(new Date(token.issuedAt() * 1000))
                .expirationTime(new Date(token.expiresAt() * 1000))
                .jwtID(token.jti())
                .claim(GRANT_ID_CLAIM, token.grantId())
                .build();
        return sign(token.algorithm(), ACCESS_TOKEN_TYPE, claims);
    }

    /** Signs any claims set with the active key of the algorithm; used for ID tokens too. */
    public String sign(JWSAlgorithm algorithm, JOSEObjectType type, JWTClaimsSet claims) {
        Signer signer = signers.get(algorithm);
        if (signer == null) {
            throw OAuthException.serverError("no active signing key for " + algorithm);
        }
        String header = ACCESS_TOKEN_TYPE.equals(type)
                ? signer.accessTokenHeader()
                : new JWSHeader.Builder(algorithm).type(type).keyID(signer.kid()).build().toBase64URL().toString();
        String signingInput = header + "." + Base64URL.encode(claims.toString());
        return signingInput + "." + Base64URL.encode(signer.signatures().sign(signingInput));
    }
}
