package io.keyfair.common.token;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

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

    private static final Map<String, JWSAlgorithm> ALGORITHMS = Map.of(
            JWSAlgorithm.RS256.getName(), JWSAlgorithm.RS256, JWSAlgorithm.ES256.getName(), JWSAlgorithm.ES256);

    private final JwksSource keys;
    private final OAuthConfig config;
    private final Clock clock;
    private final Map<String, JwsSignatures> verifiers = new ConcurrentHashMap<>();

    /** @param crypto installs the fastest provider before any verifier is built */
    AccessTokenVerifier(JwksSource keys, OAuthConfig config, Clock clock, CryptoProvider crypto) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
    }

    /** The verified token, or an {@link OAuthException#invalidToken} failure. */
    public Uni<VerifiedAccessToken> verify(String token) {
        CompactJws.Parts parts;
        Header header;
        try {
            parts = CompactJws.parse(token);
            header = Header.read(parts.header());
        } catch (CompactJws.MalformedException e) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The access token is malformed"));
        }
        // RFC 8725 §3.1: only the algorithms we sign with, never "none" or HMAC
        if (header.algorithm == null || header.kid == null) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The access token is not signed by this issuer"));
        }
        // RFC 9068 §4: reject ID tokens and other JWTs presented as access tokens
        if (!header.accessTokenType()) {
            return Uni.createFrom().failure(OAuthException.invalidToken("The token is not an access token"));
        }
        return keys.key(header.kid).map(key -> check(parts, header.algorithm, key));
    }

    /**
     * The verified token as a bearer token (RFC 6750) at an endpoint that takes no DPoP proofs:
     * a DPoP-bound token is refused, since whoever presents it here proves nothing (RFC 9449 §7.2).
     */
    public Uni<VerifiedAccessToken> verifyBearer(String token) {
        return verify(token).map(t -> {
            if (t.isDpopBound()) {
                throw OAuthException.invalidToken("The access token is DPoP-bound and cannot be used as a bearer token");
            }
            return t;
        });
    }

    private VerifiedAccessToken check(CompactJws.Parts parts, JWSAlgorithm alg, Optional<JWK> key) {
        if (key.isEmpty() || !verifySignature(parts, alg, key.get())) {
            throw OAuthException.invalidToken("The access token signature is invalid");
        }
        Claims claims;
        try {
            claims = Claims.read(parts.payload());
        } catch (CompactJws.MalformedException e) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
        if (!config.issuer().equals(claims.issuer)) {
            throw OAuthException.invalidToken("The access token was issued by another issuer");
        }
        if (!claims.audience.contains(config.accessTokenAudience())) {
            throw OAuthException.invalidToken("The access token is meant for another audience");
        }
        if (claims.expiresAt == null || claims.issuedAt == null) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
        // CONTRACT: a token is expired when now >= exp
        if (clock.millis() / 1000 >= claims.expiresAt) {
            throw OAuthException.invalidToken("The access token has expired");
        }
        if (claims.jti == null || claims.subject == null || claims.clientId == null) {
            throw OAuthException.invalidToken("The access token is malformed");
        }
        return new VerifiedAccessToken(claims.jti, claims.subject, claims.clientId, SpaceDelimited.parse(claims.scope),
                claims.issuedAt, claims.expiresAt, claims.grantId, config.accessTokenAudience(), claims.jkt);
    }

    private boolean verifySignature(CompactJws.Parts parts, JWSAlgorithm alg, JWK key) {
        // the key decides the algorithm: an RS256 header on an EC key (or the reverse) is forged
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        JwsSignatures signatures = verifiers.computeIfAbsent(key.getKeyID() + "/" + alg.getName(), k -> verifierFor(key, alg));
        if (signatures == null) {
            return false;
        }
        return signatures.verify(parts.signingInput(), parts.signature());
    }

    /** The JOSE header members that matter here; `algorithm` is null for any algorithm we do not sign with. */
    private static final class Header {
        JWSAlgorithm algorithm;
        String kid;
        String type;

        static Header read(byte[] json) throws CompactJws.MalformedException {
            Header h = new Header();
            CompactJws.readObject(json, (name, p) -> {
                switch (name) {
                    case "alg" -> h.algorithm = ALGORITHMS.get(CompactJws.string(p));
                    case "kid" -> h.kid = CompactJws.string(p);
                    case "typ" -> h.type = CompactJws.string(p);
                    // RFC 7515 §4.1.11: we understand no extension, so none may be critical
                    case "crit" -> throw new CompactJws.MalformedException("critical header extension");
                    default -> p.skipChildren();
                }
            });
            return h;
        }

        /** RFC 9068 §4: "at+jwt" or "application/at+jwt", compared as media types (case-insensitive). */
        boolean accessTokenType() {
            String at = TokenSigner.ACCESS_TOKEN_TYPE.getType();
            return type != null && (type.equalsIgnoreCase(at) || type.equalsIgnoreCase("application/" + at));
        }
    }

    /** The registered and Keyfair claims of an access token; each null when absent. */
    private static final class Claims {
        String issuer;
        List<String> audience = List.of();
        Long expiresAt;
        Long issuedAt;
        String jti;
        String subject;
        String clientId;
        String scope;
        String grantId;
        String jkt;

        static Claims read(byte[] json) throws CompactJws.MalformedException {
            Claims c = new Claims();
            CompactJws.readObject(json, (name, p) -> {
                if (p.currentToken() == JsonToken.VALUE_NULL) {
                    return;
                }
                switch (name) {
                    case "iss" -> c.issuer = CompactJws.string(p);
                    case "sub" -> c.subject = CompactJws.string(p);
                    case "aud" -> c.audience = audience(p);
                    case "exp" -> c.expiresAt = CompactJws.numericDate(p);
                    case "iat" -> c.issuedAt = CompactJws.numericDate(p);
                    case "jti" -> c.jti = CompactJws.string(p);
                    case "client_id" -> c.clientId = CompactJws.string(p);
                    case "scope" -> c.scope = CompactJws.string(p);
                    case TokenSigner.GRANT_ID_CLAIM -> c.grantId = CompactJws.string(p);
                    case "cnf" -> c.jkt = confirmationThumbprint(p);
                    default -> p.skipChildren();
                }
            });
            return c;
        }

        /** RFC 7800 `cnf` with RFC 9449 §6.1 `jkt`; other confirmation methods are skipped. */
        private static String confirmationThumbprint(JsonParser p) throws IOException, CompactJws.MalformedException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new CompactJws.MalformedException("cnf is not an object");
            }
            String jkt = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String member = p.currentName();
                p.nextToken();
                if ("jkt".equals(member)) {
                    jkt = CompactJws.string(p);
                } else {
                    p.skipChildren();
                }
            }
            return jkt;
        }

        /** RFC 7519 §4.1.3: one string or an array of strings. */
        private static List<String> audience(JsonParser p) throws IOException, CompactJws.MalformedException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return List.of(CompactJws.string(p));
            }
            List<String> values = new ArrayList<>(2);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(CompactJws.string(p));
            }
            return values;
        }
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
