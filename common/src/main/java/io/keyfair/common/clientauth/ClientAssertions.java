package io.keyfair.common.clientauth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Checks a `private_key_jwt` client assertion (RFC 7523 §3, RFC 7521 §4.2) against the client it
 * names, in the RFC's order: a signing algorithm we accept, `iss` and `sub` the client, `aud` us,
 * a short `exp`, `nbf` passed, a signature by one of the client's registered keys, and a `jti`
 * never seen before. The `jti` is spent last, with one atomic Redis step shared by every replica
 * (SET NX until the assertion expires), so that a forged assertion cannot burn a real one's jti.
 */
@ApplicationScoped
public class ClientAssertions {

    /** RFC 7521 §4.2 `client_assertion_type` for a JWT. */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /** Asymmetric algorithms only: a shared-secret (HS*) assertion is a secret by another name. */
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    /** CONTRACT: `exp` at most 5 minutes ahead. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** Clock difference allowed between the client and us. */
    static final Duration LEEWAY = Duration.ofSeconds(5);
    static final int MAX_JTI = 256;

    /** Why an assertion was refused: an audit `reason` word and the private detail for logs. */
    public record Rejection(String reason, String detail) {
    }

    private static final Set<JWSAlgorithm> ACCEPTED = Set.copyOf(ALGORITHMS);
    /** The paths at which a client authenticates: RFC 9126 §2 lets `aud` be any of their URLs. */
    private static final List<String> ENDPOINTS = List.of("/oauth/token", "/oauth/par", "/oauth/revoke", "/oauth/introspect");

    private final ClientJwks jwks;
    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final Set<String> audiences;
    private final Clock clock;

    ClientAssertions(ClientJwks jwks, ReactiveRedisDataSource redis, RedisKeys keys, OAuthConfig oauth, Clock clock) {
        this.jwks = jwks;
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        String issuer = oauth.issuer().endsWith("/") ? oauth.issuer().substring(0, oauth.issuer().length() - 1) : oauth.issuer();
        this.audiences = Set.copyOf(Stream.concat(Stream.of(issuer, issuer + "/"),
                ENDPOINTS.stream().map(path -> issuer + path)).toList());
    }

    /** The client id an assertion claims to come from (its `sub`), before anything is verified. */
    public static String subject(SignedJWT assertion) {
        try {
            return assertion.getJWTClaimsSet().getSubject();
        } catch (ParseException e) {
            return null;
        }
    }

    /** Null when the assertion authenticates the client; otherwise why not. */
    public Uni<Rejection> verify(ClientRecord client, SignedJWT assertion) {
        Instant now = clock.instant();
        Rejection claims = checkClaims(client, assertion, now);
        if (claims != null) {
            return Uni.createFrom().item(claims);
        }
        return jwks.keys(client, assertion.getHeader().getKeyID())
                .map(set -> checkSignature(set, assertion))
                .onFailure().recoverWithItem(e -> new Rejection("jwks_unavailable", "cannot read the client's JWKS: " + e.getMessage()))
                .flatMap(rejection -> rejection != null ? Uni.createFrom().item(rejection) : spendJti(client, assertion, now));
    }

    private Rejection checkClaims(ClientRecord client, SignedJWT assertion, Instant now) {
        JWSAlgorithm alg = assertion.getHeader().getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            return new Rejection("assertion_alg", "client assertion alg " + alg + " is not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = assertion.getJWTClaimsSet();
        } catch (ParseException e) {
            return new Rejection("assertion_malformed", "client assertion claims are not a JSON object");
        }
        // RFC 7523 §3 items 1 and 2: iss and sub are the client id
        if (!client.clientId().equals(claims.getIssuer()) || !client.clientId().equals(claims.getSubject())) {
            return new Rejection("assertion_issuer", "client assertion iss/sub is not the client id");
        }
        // item 3: the audience names us
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(audiences::contains)) {
            return new Rejection("assertion_audience", "client assertion aud does not name this server");
        }
        // item 4: exp, and CONTRACT: at most 5 minutes ahead, so a stolen one is short-lived
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return new Rejection("assertion_expiry", "client assertion has no exp");
        }
        if (!now.isBefore(exp.toInstant().plus(LEEWAY))) {
            return new Rejection("assertion_expired", "client assertion expired");
        }
        if (exp.toInstant().isAfter(now.plus(MAX_LIFETIME).plus(LEEWAY))) {
            return new Rejection("assertion_expiry", "client assertion exp is more than 5 minutes ahead");
        }
        // item 5: not before
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(LEEWAY))) {
            return new Rejection("assertion_not_yet_valid", "client assertion nbf is in the future");
        }
        // item 7: a jti, so that each assertion is used once
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI) {
            return new Rejection("assertion_jti", "client assertion has no usable jti");
        }
        return null;
    }

    /** Item 9: signed by one of the client's keys (the one its `kid` names, or any that fits). */
    private static Rejection checkSignature(JWKSet set, SignedJWT assertion) {
        String kid = assertion.getHeader().getKeyID();
        JWSAlgorithm alg = assertion.getHeader().getAlgorithm();
        for (JWK key : set.getKeys()) {
            if (kid != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            try {
                JWSVerifier verifier = verifier(key, alg);
                if (verifier != null && assertion.verify(verifier)) {
                    return null;
                }
            } catch (JOSEException e) {
                // a key of the wrong size or curve for the alg: try the next one
            }
        }
        return new Rejection("assertion_signature", "client assertion is not signed by a registered key");
    }

    private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
        if (key instanceof RSAKey rsa && (JWSAlgorithm.Family.RSA.contains(alg))) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
            return new ECDSAVerifier(ec);
        }
        return null;
    }

    private Uni<Rejection> spendJti(ClientRecord client, SignedJWT assertion, Instant now) {
        JWTClaimsSet claims;
        try {
            claims = assertion.getJWTClaimsSet();
        } catch (ParseException e) {
            return Uni.createFrom().item(new Rejection("assertion_malformed", "client assertion claims are not a JSON object"));
        }
        long ttl = Math.max(1, Duration.between(now, claims.getExpirationTime().toInstant().plus(LEEWAY)).toMillis());
        String key = keys.usedClientAssertion(client.clientId(), HexFormat.of().formatHex(Secrets.sha256(claims.getJWTID())));
        return redis.execute("SET", key, "1", "NX", "PX", Long.toString(ttl))
                .map(set -> set == null ? new Rejection("assertion_replayed", "client assertion jti was used before") : null)
                // without the replay check an assertion cannot be accepted; the client may retry
                .onFailure().transform(e -> OAuthException.of(OAuthError.TEMPORARILY_UNAVAILABLE,
                        "Client authentication is unavailable, try again").withDetail("assertion replay check: " + e));
    }
}
