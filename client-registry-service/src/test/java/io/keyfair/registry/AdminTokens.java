package io.keyfair.registry;

import java.util.Date;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.keys.DevKeySet;
import io.keyfair.common.keys.KeyRing;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.TokenSigner;

/** Access tokens for calling the admin API in tests, signed by the test key set unless told otherwise. */
@ApplicationScoped
public class AdminTokens {

    public static final String ISSUER = "http://localhost:8080";
    /** The bootstrap admin client of the test profile (`%test.keyfair.admin.client-id`). */
    public static final String ADMIN_CLIENT_ID = "00000000000000000000000000adm1n0";

    private final TokenSigner signer;

    AdminTokens(TokenSigner signer) {
        this.signer = signer;
    }

    /** A valid token with the `admin` scope, as client_credentials gives the admin client. */
    public String admin() {
        return withScopes(List.of("admin"));
    }

    public String withScopes(List<String> scopes) {
        long now = now();
        return sign(scopes, now, now + 300);
    }

    public String expired() {
        long now = now();
        return sign(List.of("admin"), now - 600, now - 10);
    }

    /** A well-formed admin token signed by a key this issuer never published. */
    public String signedByUnknownKey() throws Exception {
        KeyRing stranger = KeyRing.parse(DevKeySet.generateJson());
        KeyRing.Entry key = stranger.active(JWSAlgorithm.RS256).orElseThrow();
        long now = now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(ISSUER).subject(ADMIN_CLIENT_ID)
                .claim("client_id", ADMIN_CLIENT_ID).claim("scope", "admin")
                .issueTime(new Date(now * 1000)).expirationTime(new Date((now + 300) * 1000))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(TokenSigner.ACCESS_TOKEN_TYPE)
                .keyID(key.jwk().getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner((RSAKey) key.jwk()));
        return jwt.serialize();
    }

    private String sign(List<String> scopes, long issuedAt, long expiresAt) {
        String jti = UUID.randomUUID().toString();
        return signer.sign(new AccessToken(ISSUER, ISSUER, ADMIN_CLIENT_ID, ADMIN_CLIENT_ID, scopes, issuedAt, expiresAt,
                jti, jti, JWSAlgorithm.RS256));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
