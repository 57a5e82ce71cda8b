package io.keyfair.common.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSAlgorithm;

/**
 * Everything an OpenID Connect Core §2 ID token says, decided by the authorization code grant
 * before it is signed.
 *
 * @param clientId the audience (`aud`) and authorized party (`azp`)
 * @param authTime when the user authenticated, epoch seconds
 * @param nonce the authorization request's nonce, or null when it had none
 * @param accessTokenHash `at_hash` of the access token issued with it ({@link #accessTokenHash(String)}), or null
 * @param userClaims the claims the granted scopes release, as userinfo returns them
 *        ({@link io.keyfair.common.user.UserClaims#releasedTo}); their `sub` is the token's own and
 *        is not written twice. Values are strings, booleans, numbers or lists of strings; empty
 *        when the client registered `id_token_scope_claims: false`
 */
public record IdToken(
        String issuer,
        String subject,
        String clientId,
        long issuedAt,
        long expiresAt,
        long authTime,
        String nonce,
        String accessTokenHash,
        Map<String, Object> userClaims,
        JWSAlgorithm algorithm) implements TokenClaims {

    /** The claims an ID token sets itself, which the user's claims can never replace. */
    private static final Set<String> OWN = Set.of("iss", "sub", "aud", "exp", "iat", "auth_time", "azp", "at_hash", "nonce");

    @Override
    public TokenType type() {
        return TokenType.ID_TOKEN;
    }

    @Override
    public void writeClaims(JsonGenerator json) throws IOException {
        json.writeStringField("iss", issuer);
        json.writeStringField("sub", subject);
        json.writeStringField("aud", clientId);
        json.writeNumberField("exp", expiresAt);
        json.writeNumberField("iat", issuedAt);
        json.writeNumberField("auth_time", authTime);
        json.writeStringField("azp", clientId);
        if (accessTokenHash != null) {
            json.writeStringField("at_hash", accessTokenHash);
        }
        if (nonce != null) {
            json.writeStringField("nonce", nonce);
        }
        for (Map.Entry<String, Object> claim : userClaims.entrySet()) {
            if (!OWN.contains(claim.getKey())) {
                json.writeFieldName(claim.getKey());
                writeValue(json, claim.getValue());
            }
        }
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof Integer number) {
            json.writeNumber(number);
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                writeValue(json, item);
            }
            json.writeEndArray();
        } else {
            throw new IllegalArgumentException("an ID token claim cannot hold a " + value.getClass().getSimpleName());
        }
    }

    /** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url. */
    public static String accessTokenHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
