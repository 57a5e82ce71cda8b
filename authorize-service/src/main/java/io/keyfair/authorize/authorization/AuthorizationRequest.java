package io.keyfair.authorize.authorization;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A validated authorization request, kept in Redis while the user logs in and consents.
 *
 * @param redirectUri the redirect URI exactly as sent, or null when omitted
 * @param effectiveRedirectUri where the response goes: the sent one, or the only registered one
 * @param prompt the OpenID Connect `prompt` values (`none`, `login`, `consent`)
 * @param maxAge OpenID Connect `max_age` in seconds, or null
 * @param dpopJkt RFC 9449 §10 `dpop_jkt`: the thumbprint of the DPoP key the code is bound to, or null
 */
@RegisterForReflection
public record AuthorizationRequest(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("redirect_uri") String redirectUri,
        @JsonProperty("effective_redirect_uri") String effectiveRedirectUri,
        List<String> scopes,
        String state,
        String nonce,
        @JsonProperty("code_challenge") String codeChallenge,
        @JsonProperty("code_challenge_method") String codeChallengeMethod,
        List<String> prompt,
        @JsonProperty("max_age") Long maxAge,
        @JsonProperty("login_hint") String loginHint,
        @JsonProperty("dpop_jkt") String dpopJkt) {

    public boolean prompts(String value) {
        return prompt != null && prompt.contains(value);
    }
}
