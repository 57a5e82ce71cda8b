package io.keyfair.token.grant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.keyfair.token.mint.TokenMinter.MintedAccessToken;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * RFC 6749 §5.1 successful token response: a Bearer access token (`DPoP` when it is bound to a
 * key, RFC 9449 §5), and a refresh token and an ID
 * token when the grant issues them. Built from the access token, then {@link #withRefreshToken}
 * and {@link #withIdToken}.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        String scope,
        @JsonProperty("id_token") String idToken) {

    /** The access token alone, with its lifetime and the scope it grants. */
    public static TokenResponse of(MintedAccessToken access) {
        return new TokenResponse(access.jwt(), access.claims().tokenType(), access.lifetimeSeconds(), null, access.scope(), null);
    }

    /** @param refreshToken the refresh token issued with the access token; null issues none */
    public TokenResponse withRefreshToken(String refreshToken) {
        return new TokenResponse(accessToken, tokenType, expiresIn, refreshToken, scope, idToken);
    }

    /** @param idToken the ID token issued with the access token; null issues none */
    public TokenResponse withIdToken(String idToken) {
        return new TokenResponse(accessToken, tokenType, expiresIn, refreshToken, scope, idToken);
    }
}
