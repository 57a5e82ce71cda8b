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

/**
 * The one place that signs tokens: every kind of token ({@link TokenClaims}) goes through
 * {@link #sign(TokenClaims)}. Signers and the encoded headers are built once per key, never per
 * request.
 */
@ApplicationScoped
public class TokenSigner {

    /** RFC 9068 §2.1. */
    public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType(TokenType.ACCESS_TOKEN.typ());
    /** The private claim carrying {@link AccessToken#grantId()}. */
    public static final String GRANT_ID_CLAIM = "gid";

    /**
     * One active key: its id, its signatures, and the JWS header of each {@link TokenType},
     * already Base64URL-encoded, by the type's ordinal.
     */
    private record Signer(String kid, String[] headers, JwsSignatures signatures) {
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
            TokenType[] types = TokenType.values();
            String[] headers = new String[types.length];
            for (TokenType type : types) {
                headers[type.ordinal()] = header(e.algorithm(), type, kid);
            }
            return new Signer(kid, headers, JwsSignatures.signing(e.algorithm(), key));
        } catch (JOSEException ex) {
            throw new IllegalStateException("unusable signing key " + e.jwk().getKeyID(), ex);
        }
    }

    private static String header(JWSAlgorithm algorithm, TokenType type, String kid) {
        return CompactJws.encodeObject(json -> {
            json.writeStringField("alg", algorithm.getName());
            json.writeStringField("typ", type.typ());
            json.writeStringField("kid", kid);
        });
    }

    /** Whether new tokens can be signed with this algorithm. */
    public boolean supports(JWSAlgorithm algorithm) {
        return signers.containsKey(algorithm);
    }

    /** The compact JWS of a token: its kind's header, its claims, signed by its algorithm's active key. */
    public String sign(TokenClaims token) {
        Signer signer = signer(token.algorithm());
        byte[] input = CompactJws.signingInput(signer.headers()[token.type().ordinal()], token::writeClaims);
        return CompactJws.serialize(input, signer.signatures().sign(input));
    }

    private Signer signer(JWSAlgorithm algorithm) {
        Signer signer = signers.get(algorithm);
        if (signer == null) {
            throw OAuthException.serverError("no active signing key for " + algorithm);
        }
        return signer;
    }
}
