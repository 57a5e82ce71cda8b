package io.keyfair.common.token;

import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.crypto.CryptoProvider;
import io.keyfair.common.crypto.JwsSignatures;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;

/**
 * Verifies Keyfair's own RFC 9068 access tokens locally: signature against the JWKS, `typ`,
 * issuer, audience and expiry. Revocation is a separate step ({@link RevocationList}).
 */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final JwksSource keys;
    private final OAuthConfig config;
    private final Map<String, JwsSignatures> verifiers = new ConcurrentHashMap<>();

    /** @param crypto installs the fastest provider before any verifier is built */
    AccessTokenVerifier(JwksSource keys, OAuthConfig config, CryptoProvider crypto) {
        this.keys = keys;
        this.config = config;
    }

    /** The verified token, or an {@link OAuthException#invalidToken} failure. */
    public Uni<VerifiedAccessToken> verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The access token is malformed"));
        }
        JWSHeader header = jwt.getHeader();
        // RFC 8725 §3.1: only the algorithms we sign with, never "none" or HMAC
        if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getKeyID() == null) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The access token is not signed by this issuer"));
        }
        // RFC 9068 §4: reject ID tokens and other JWTs presented as access tokens
        if (header.getType() == null || !TokenSigner.ACCESS_TOKEN_TYPE.equals(header.getType())) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The token is not an access token"));
        }
        return keys.key(header.getKeyID()).map(key -> check(jwt, key));
    }

    private VerifiedAccessToken check(SignedJWT jwt, Optional<JWK> key) {
        if (key.isEmpty() || !verifySignature(jwt, key.get())) {
            throw OAuthException.invalidToken("The access token signature is invalid");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
        if (!config.issuer().equals(claims.getIssuer())) {
            throw OAuthException.invalidToken("The access token was issued by another issuer");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(config.accessTokenAudience())) {
            throw OAuthException.invalidToken("The access token is meant for another audience");
        }
        if (claims.getExpirationTime() == null || claims.getIssueTime() == null) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
        long exp = claims.getExpirationTime().getTime() / 1000;
        // CONTRACT: a token is expired when now >= exp
        if (System.currentTimeMillis() / 1000 >= exp) {
            throw OAuthException.invalidToken("The access token has expired");
        }
        try {
            String jti = claims.getJWTID();
            String subject = claims.getSubject();
            String clientId = claims.getStringClaim("client_id");
            String scope = claims.getStringClaim("scope");
            if (jti == null || subject == null || clientId == null) {
                throw OAuthException.invalidToken("The access token is malformed");
            }
            Set<String> scopes = SpaceDelimited.parse(scope);
            return new VerifiedAccessToken(jti, subject, clientId, scopes,
                    claims.getIssueTime().getTime() / 1000, exp,
                    claims.getStringClaim(TokenSigner.GRANT_ID_CLAIM), config.accessTokenAudience());
        } catch (ParseException e) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
    }

    private boolean verifySignature(SignedJWT jwt, JWK key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        // the key decides the algorithm: an RS256 header on an EC key (or the reverse) is forged
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        JwsSignatures signatures = verifiers.computeIfAbsent(key.getKeyID() + "/" + alg.getName(), k -> verifierFor(key, alg));
        if (signatures == null) {
            return false;
        }
        return signatures.verify(jwt.getSigningInput(), jwt.getSignature().decode());
    }

    private static JwsSignatures verifierFor(JWK key, JWSAlgorithm alg) {
        try {
            if (key instanceof RSAKey rsa && alg.equals(JWSAlgorithm.RS256) && rsa.size() >= 2048) {
                return JwsSignatures.verifying(alg, rsa.toPublicKey());
            }
            if (key instanceof ECKey ec && alg.equals(JWSAlgorithm.ES256) && Curve.P_256.equals(ec.getCurve())) {
                return JwsSignatures.verifying(alg, ec.toPublicKey());
            }
            return null;
        } catch (JOSEException e) {
            return null;
        }
    }
}
