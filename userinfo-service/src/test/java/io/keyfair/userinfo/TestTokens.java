package io.keyfair.userinfo;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.TokenSigner;

/**
 * Access tokens as token-service would issue them, signed by the test key set through the real
 * {@link TokenSigner}; or, for forgeries, by any key. A small builder:
 * {@code TestTokens.forUser(id).scope("openid email").sign(signer)}.
 */
public final class TestTokens {

    public static final String ISSUER = "http://localhost:8080";

    private String issuer = ISSUER;
    private String audience = ISSUER;
    private String subject;
    private String clientId = Secrets.newClientId();
    private String scope = "openid";
    private long issuedAt = now() - 10;
    private long expiresAt = now() + 3600;
    private final String jti = Secrets.randomHex(16);
    private final String grantId = Secrets.randomHex(16);
    private JWSAlgorithm algorithm = JWSAlgorithm.RS256;

    private TestTokens() {
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A token a user granted to a fresh client. */
    public static TestTokens forUser(String userId) {
        TestTokens t = new TestTokens();
        t.subject = userId;
        return t;
    }

    /** A client_credentials token: the client is its own subject. */
    public static TestTokens forClient() {
        TestTokens t = new TestTokens();
        t.subject = t.clientId;
        return t;
    }

    public TestTokens scope(String value) {
        this.scope = value;
        return this;
    }

    public TestTokens issuer(String value) {
        this.issuer = value;
        return this;
    }

    public TestTokens audience(String value) {
        this.audience = value;
        return this;
    }

    /** Issued and expiring at these epoch seconds. */
    public TestTokens lifetime(long iat, long exp) {
        this.issuedAt = iat;
        this.expiresAt = exp;
        return this;
    }

    public TestTokens algorithm(JWSAlgorithm value) {
        this.algorithm = value;
        return this;
    }

    public AccessToken claims() {
        List<String> scopes = scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" "));
        return new AccessToken(issuer, audience, subject, clientId, scopes, issuedAt, expiresAt, jti, grantId, algorithm);
    }

    public String clientId() {
        return clientId;
    }

    public String jti() {
        return jti;
    }

    public String grantId() {
        return grantId;
    }

    public long expiresAt() {
        return expiresAt;
    }

    /** Signed as token-service signs: the test key set's active key, `typ: at+jwt`. */
    public String sign(TokenSigner signer) {
        return signer.sign(claims());
    }

    /** Signed by any private key, with the given `kid` and `typ`: a forgery or an ID token. */
    public String signWith(JWK key, String kid, JOSEObjectType type) throws Exception {
        AccessToken t = claims();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(t.issuer()).subject(t.subject()).audience(t.audience())
                .claim("client_id", t.clientId()).claim("scope", t.scope())
                .issueTime(new Date(t.issuedAt() * 1000)).expirationTime(new Date(t.expiresAt() * 1000))
                .jwtID(t.jti()).claim(TokenSigner.GRANT_ID_CLAIM, t.grantId())
                .build();
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(type).keyID(kid).build(), claims);
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
        return jwt.serialize();
    }

    /** The claims as token-service writes them, as a JSON object (for tests that alter the JSON itself). */
    public String claimsJson() {
        AccessToken t = claims();
        return "{\"iss\":\"" + t.issuer() + "\",\"sub\":\"" + t.subject() + "\",\"aud\":\"" + t.audience()
                + "\",\"client_id\":\"" + t.clientId() + "\",\"scope\":\"" + t.scope() + "\",\"iat\":" + t.issuedAt()
                + ",\"exp\":" + t.expiresAt() + ",\"jti\":\"" + t.jti() + "\",\"" + TokenSigner.GRANT_ID_CLAIM + "\":\""
                + t.grantId() + "\"}";
    }

    /** A compact JWS of exactly this header and payload JSON, signed with an RSA key. */
    public static String signRaw(RSAKey key, String headerJson, String payloadJson) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key.toPrivateKey());
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(rsa.sign());
    }
}
