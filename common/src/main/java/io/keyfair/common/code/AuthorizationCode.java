package io.keyfair.common.code;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What an authorization code is bound to (CONTRACT.md: client, redirect URI, scopes, nonce,
 * PKCE challenge, user and auth time). Kept in Redis under the code's hash, never the code.
 *
 * @param redirectUri the redirect URI exactly as the authorization request sent it, or null
 *        when the request omitted it (allowed when the client has exactly one)
 * @param grantId the grant this code starts; every token issued from it carries it
 * @param authTime epoch seconds of the user's login
 * @param issuedAt epoch seconds
 * @param dpopJkt the thumbprint of the DPoP key the code is bound to (RFC 9449 §10: `dpop_jkt` at
 *        authorize or PAR), or null; the token request must then carry a proof of that key
 */
@RegisterForReflection
public record AuthorizationCode(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("redirect_uri") String redirectUri,
        @JsonProperty("effective_redirect_uri") String effectiveRedirectUri,
        List<String> scopes,
        String nonce,
        @JsonProperty("code_challenge") String codeChallenge,
        @JsonProperty("code_challenge_method") String codeChallengeMethod,
        @JsonProperty("user_id") String userId,
        @JsonProperty("auth_time") long authTime,
        @JsonProperty("grant_id") String grantId,
        @JsonProperty("issued_at") long issuedAt,
        @JsonProperty("dpop_jkt") String dpopJkt) {

    /** A code bound to no DPoP key. */
    public AuthorizationCode(String clientId, String redirectUri, String effectiveRedirectUri, List<String> scopes, String nonce,
            String codeChallenge, String codeChallengeMethod, String userId, long authTime, String grantId, long issuedAt) {
        this(clientId, redirectUri, effectiveRedirectUri, scopes, nonce, codeChallenge, codeChallengeMethod, userId, authTime,
                grantId, issuedAt, null);
    }
}
