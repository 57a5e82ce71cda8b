package io.keyfair.token.mint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

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
        String atHash = atHash(accessToken);
        return signer.signJwt(AccessTokenMinter.algorithmOf(client), json -> {
            json.writeStringField("iss", config.issuer());
            json.writeStringField("sub", userId);
            json.writeStringField("aud", client.clientId());
            json.writeNumberField("exp", now + lifetimeSeconds);
            json.writeNumberField("iat", now);
            json.writeNumberField("auth_time", authTime);
            json.writeStringField("azp", client.clientId());
            json.writeStringField("at_hash", atHash);
            if (nonce != null) {
                json.writeStringField("nonce", nonce);
            }
        });
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
