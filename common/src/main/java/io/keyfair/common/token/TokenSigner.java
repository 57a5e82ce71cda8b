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
 * {@link #sign(TokenClaims)}. Signers and the encoded headers are built once per key ring, never
 * per request: when {@link SigningKeys} reloads a rotated key file, the next token is signed with
 * the new ring's active keys (one identity check per token notices it).
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

    /** The signers of one ring's active keys, by algorithm; {@code ring} is null without a key file. */
    private record Signers(KeyRing ring, Map<JWSAlgorithm, Signer> byAlgorithm) {
    }

    private final SigningKeys keys;
    private volatile Signers signers;

    /** @param crypto installs the fastest provider before any signer is built */
    TokenSigner(SigningKeys keys, CryptoProvider crypto) {
        this.keys = keys;
        this.signers = signersOf(keys.ring().orElse(null));
    }

    private static Signers signersOf(KeyRing ring) {
        Map<JWSAlgorithm, Signer> byAlgorithm = new HashMap<>();
        if (ring != null) {
            for (KeyRing.Entry e : ring.entries()) {
                if (e.state() == KeyState.ACTIVE) {
                    byAlgorithm.put(e.algorithm(), signerFor(e));
                }
            }
        }
        return new Signers(ring, Map.copyOf(byAlgorithm));
    }

    /** The signers of the ring in use now, built again when it was reloaded. */
    private Map<JWSAlgorithm, Signer> current() {
        KeyRing ring = keys.ring().orElse(null);
        Signers s = signers;
        if (s.ring() != ring) {
            // two threads may both build them after a reload: the same keys, so either wins
            s = signersOf(ring);
            signers = s;
        }
        return s.byAlgorithm();
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
        return current().containsKey(algorithm);
    }

    /** The compact JWS of a token: its kind's header, its claims, signed by its algorithm's active key. */
    public String sign(TokenClaims token) {
        Signer signer = signer(token.algorithm());
        byte[] input = CompactJws.signingInput(signer.headers()[token.type().ordinal()], token::writeClaims);
        return CompactJws.serialize(input, signer.signatures().sign(input));
    }

    private Signer signer(JWSAlgorithm algorithm) {
        Signer signer = current().get(algorithm);
        if (signer == null) {
            throw OAuthException.serverError("no active signing key for " + algorithm);
        }
        return signer;
    }
}
