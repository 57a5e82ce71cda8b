package io.keyfair.token.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.token.TokenSigner;

/** OpenID Connect Core §2 ID tokens, signed like the client's access tokens (RS256 by default). */
@ApplicationScoped
public class IdTokenMinter {

    private final OAuthConfig config;
    private final TokenSigner signer;

    IdTokenMinter(OAuthConfig config, TokenSigner signer) {
        this.config = config;
        this.signer = signer;
    }

    /**
     * @param nonce the authorization request's nonce, or null
     * @param accessToken the access token issued with it, for `at_hash`
     */
    public String mint(ClientRecord client, String userId, long authTime, String nonce, String accessToken, long lifetimeSeconds) {
        long now = System.currentTimeMillis() / 1000;
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .subject(userId)
                .audience(client.clientId())
                .expirationTime(new Date((now + lifetimeSeconds) * 1000))
                .issueTime(new Date(now * 1000))
                .claim("auth_time", authTime)
                .claim("azp", client.clientId())
                .claim("at_hash", atHash(accessToken));
        if (nonce != null) {
            claims.claim("nonce", nonce);
        }
        return signer.sign(AccessTokenMinter.algorithmOf(client), JOSEObjectType.JWT, claims.build());
    }

    /** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url. */
    static String atHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
