package io.keyfair.common.token;

import java.security.PrivateKey;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;

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

    /** One active key: its id, the JWS headers of access and ID tokens already Base64URL-encoded, its signatures. */
    private record Signer(String kid, String accessTokenHeader, String jwtHeader, JwsSignatures signatures) {
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
            String kid = e.jwk().getKeyID();
            // every token of a kind has the same header: encode it once
            return new Signer(kid, header(e.algorithm(), ACCESS_TOKEN_TYPE, kid), header(e.algorithm(), JOSEObjectType.JWT, kid),
                    JwsSignatures.signing(e.algorithm(), key));
        } catch (JOSEException ex) {
            throw new IllegalStateException("unusable signing key " + e.jwk().getKeyID(), ex);
        }
    }

    private static String header(JWSAlgorithm algorithm, JOSEObjectType type, String kid) {
        return CompactJws.encodeObject(json -> {
            json.writeStringField("alg", algorithm.getName());
            json.writeStringField("typ", type.getType());
            json.writeStringField("kid", kid);
        });
    }

    /** Whether new tokens can be signed with this algorithm. */
    public boolean supports(JWSAlgorithm algorithm) {
        return signers.containsKey(algorithm);
    }

    /** An RFC 9068 access token (`typ` at+jwt). */
    public String sign(AccessToken token) {
        Signer signer = signer(token.algorithm());
        return sign(signer, signer.accessTokenHeader(), json -> {
            json.writeStringField("iss", token.issuer());
            json.writeStringField("sub", token.subject());
            json.writeStringField("aud", token.audience());
            json.writeStringField("client_id", token.clientId());
            json.writeStringField("scope", token.scope());
            json.writeNumberField("iat", token.issuedAt());
            json.writeNumberField("exp", token.expiresAt());
            json.writeStringField("jti", token.jti());
            json.writeStringField(GRANT_ID_CLAIM, token.grantId());
        });
    }

    /** A JWT (`typ` JWT) with these claims, such as an ID token, signed with the algorithm's active key. */
    public String signJwt(JWSAlgorithm algorithm, CompactJws.Members claims) {
        Signer signer = signer(algorithm);
        return sign(signer, signer.jwtHeader(), claims);
    }

    private Signer signer(JWSAlgorithm algorithm) {
        Signer signer = signers.get(algorithm);
        if (signer == null) {
            throw OAuthException.serverError("no active signing key for " + algorithm);
        }
        return signer;
    }

    private static String sign(Signer signer, String header, CompactJws.Members claims) {
        byte[] input = CompactJws.signingInput(header, claims);
        return CompactJws.serialize(input, signer.signatures().sign(input));
    }
}
