package io.keyfair.authorize.logout;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.authorize.session.Session;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.token.JwksSource;
import io.keyfair.common.token.TokenSigner;
import io.smallrye.mutiny.Uni;

/**
 * The `id_token_hint` of a logout request (OpenID Connect RP-Initiated Logout 1.0 §2), accepted
 * only when it is an ID token Keyfair issued to the signed-in user: signed by one of our keys,
 * our `iss`, the session's `sub`, and the `client_id` among its audiences when one was sent. An
 * expired ID token is still a good hint (§4: the RP may hold nothing fresher). Anything else is
 * no hint at all, and the user is asked to confirm instead.
 */
@ApplicationScoped
public class IdTokenHints {

    /** An ID token is a few hundred bytes; anything this long is not one of ours. */
    private static final int MAX_LENGTH = 8192;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /**
     * A verified hint.
     *
     * @param clientId the client it was issued to (`azp`, else its only audience), or null
     */
    public record Hint(String subject, List<String> audience, String clientId) {
    }

    private final JwksSource keys;
    private final String issuer;

    IdTokenHints(JwksSource keys, OAuthConfig config) {
        this.keys = keys;
        this.issuer = config.issuer();
    }

    /** The hint when it is a good one for this session and (when given) this client, else empty. */
    public Uni<Optional<Hint>> verify(String idTokenHint, Session session, String clientId) {
        if (idTokenHint == null || idTokenHint.length() > MAX_LENGTH) {
            return Uni.createFrom().item(Optional.empty());
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(idTokenHint);
        } catch (ParseException | RuntimeException e) {
            return Uni.createFrom().item(Optional.empty());
        }
        JWSHeader header = jwt.getHeader();
        // RFC 8725 §3.1: only the algorithms we sign with, never "none" or HMAC
        if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getKeyID() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        // an access token is no ID token (RFC 9068 §4)
        if (header.getType() != null && header.getType().getType().toLowerCase(Locale.ROOT).endsWith(TokenSigner.ACCESS_TOKEN_TYPE.getType())) {
            return Uni.createFrom().item(Optional.empty());
        }
        return keys.key(header.getKeyID())
                .map(key -> key.filter(k -> signedBy(jwt, k)).flatMap(k -> claims(jwt, session, clientId)));
    }

    private Optional<Hint> claims(SignedJWT jwt, Session session, String clientId) {
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Optional.empty();
        }
        if (!issuer.equals(claims.getIssuer())) {
            return Optional.empty(); // another issuer's token says nothing about our session
        }
        if (!session.userId().equals(claims.getSubject())) {
            return Optional.empty(); // an ID token of someone else cannot sign this user out
        }
        List<String> audience = claims.getAudience();
        if (audience == null || audience.isEmpty() || (clientId != null && !audience.contains(clientId))) {
            return Optional.empty(); // §2: the client_id must be one the hint was issued to
        }
        String azp;
        try {
            azp = claims.getStringClaim("azp");
        } catch (ParseException e) {
            return Optional.empty();
        }
        String issuedTo = azp != null ? azp : audience.size() == 1 ? audience.get(0) : null;
        return Optional.of(new Hint(claims.getSubject(), List.copyOf(audience), issuedTo));
    }

    private static boolean signedBy(SignedJWT jwt, JWK key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        // the key decides the algorithm: an RS256 header on an EC key (or the reverse) is forged
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        try {
            JWSVerifier verifier;
            if (key instanceof RSAKey rsa && alg.equals(JWSAlgorithm.RS256)) {
                verifier = new RSASSAVerifier(rsa);
            } else if (key instanceof ECKey ec && alg.equals(JWSAlgorithm.ES256) && Curve.P_256.equals(ec.getCurve())) {
                verifier = new ECDSAVerifier(ec);
            } else {
                return false;
            }
            return jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }
}
