package io.keyfair.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
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

import io.keyfair.common.keys.DevKeySet;
import io.keyfair.common.keys.KeyRing;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.IdToken;
import io.keyfair.common.token.TokenClaims;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.common.token.TokenType;

/**
 * Access tokens and ID tokens as token-service would issue them: the {@link AccessToken} and
 * {@link IdToken} records, signed by the test key set through the real {@link TokenSigner}; or,
 * for forgeries, by any key. A small builder:
 * {@code TestTokens.forUser(id).scope("openid email").sign(signer)}.
 */
public final class TestTokens {

    /** The issuer of the test profile, which is also the audience of its access tokens. */
    public static final String ISSUER = "http://localhost:8080";

    private String issuer = ISSUER;
    private String audience = ISSUER;
    private String subject;
    private String clientId;
    private String scope = "openid";
    private long issuedAt = now() - 10;
    private long expiresAt = now() + 3600;
    private final String jti = Secrets.randomHex(16);
    private final String grantId = Secrets.randomHex(16);
    private JWSAlgorithm algorithm = JWSAlgorithm.RS256;
    private String jkt;

    private TestTokens(String subject, String clientId) {
        this.subject = subject;
        this.clientId = clientId;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A token a user granted to a fresh client (see {@link #clientId(String)}). */
    public static TestTokens forUser(String userId) {
        return new TestTokens(userId, Secrets.newClientId());
    }

    /** A client_credentials token of a fresh client: the client is its own subject. */
    public static TestTokens forClient() {
        return forClient(Secrets.newClientId());
    }

    /** A client_credentials token of this client: the client is its own subject. */
    public static TestTokens forClient(String clientId) {
        return new TestTokens(clientId, clientId);
    }

    /** What client_credentials gives the bootstrap admin client: the `admin` scope. */
    public static TestTokens admin() {
        return forClient(TestClients.ADMIN_CLIENT_ID).scope("admin");
    }

    /** The client the token was issued to (`client_id`). */
    public TestTokens clientId(String value) {
        this.clientId = value;
        return this;
    }

    /** Space separated; empty for none. */
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

    /** Issued ten minutes ago, expired ten seconds ago. */
    public TestTokens expired() {
        return lifetime(now() - 600, now() - 10);
    }

    public TestTokens algorithm(JWSAlgorithm value) {
        this.algorithm = value;
        return this;
    }

    /** Bound to the DPoP key with this thumbprint (`cnf.jkt`, RFC 9449 §6.1). */
    public TestTokens boundTo(String value) {
        this.jkt = value;
        return this;
    }

    public AccessToken claims() {
        List<String> scopes = scope.isEmpty() ? List.of() : Arrays.asList(scope.split(" "));
        return new AccessToken(issuer, audience, subject, clientId, scopes, issuedAt, expiresAt, jti, grantId, algorithm, jkt);
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

    /** These claims signed by the active key but with another kind's header, such as an ID token's `typ: JWT`. */
    public String signAs(TokenType type, TokenSigner signer) {
        AccessToken token = claims();
        return signer.sign(new TokenClaims() {
            @Override
            public TokenType type() {
                return type;
            }

            @Override
            public JWSAlgorithm algorithm() {
                return token.algorithm();
            }

            @Override
            public void writeClaims(JsonGenerator json) throws IOException {
                token.writeClaims(json);
            }
        });
    }

    /** Signed by any private key, with the given `kid` and `typ`: a forgery. */
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

    /** An RSA signing key of a freshly generated key set: one this issuer never published. */
    public static JWK strangerKey() throws Exception {
        return KeyRing.parse(DevKeySet.generateJson()).active(JWSAlgorithm.RS256).orElseThrow().jwk();
    }

    /** An ID token of this user for this client, valid for an hour, authenticated a minute ago. */
    public static IdTokens idToken(String subject, String clientId) {
        return new IdTokens(subject, clientId);
    }

    /** The ID-token builder: {@code TestTokens.idToken(user, client).expiresAt(exp).sign(signer)}. */
    public static final class IdTokens {

        private final String subject;
        private final String clientId;
        private final long authTime = now() - 60;
        private long expiresAt = now() + 3600;

        private IdTokens(String subject, String clientId) {
            this.subject = subject;
            this.clientId = clientId;
        }

        /** Expiring at these epoch seconds, issued an hour before. */
        public IdTokens expiresAt(long exp) {
            this.expiresAt = exp;
            return this;
        }

        public IdToken claims() {
            return new IdToken(ISSUER, subject, clientId, expiresAt - 3600, expiresAt, authTime, null, null, Map.of(), JWSAlgorithm.RS256);
        }

        /** Signed as token-service signs: the test key set's active key, `typ: JWT`. */
        public String sign(TokenSigner signer) {
            return signer.sign(claims());
        }
    }
}
