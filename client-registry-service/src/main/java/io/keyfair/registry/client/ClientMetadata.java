package io.keyfair.registry.client;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.scope.SpaceDelimited;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A client's RFC 7591 metadata plus Keyfair's members, validated and with defaults applied: what
 * an admin or a dynamic registration may set, and what a client view echoes. Lists serialize as
 * JSON arrays, `scope` as a space-separated string; absent optional members are omitted.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientMetadata(
        @JsonProperty("client_name") String clientName,
        @JsonProperty("logo_uri") String logoUri,
        @JsonProperty("redirect_uris") List<String> redirectUris,
        @JsonProperty("tos_uri") String tosUri,
        @JsonProperty("policy_uri") String policyUri,
        @JsonProperty("grant_types") List<String> grantTypes,
        @JsonProperty("scope") String scope,
        @JsonProperty("token_endpoint_auth_method") String tokenEndpointAuthMethod,
        @JsonProperty("events_uri") String eventsUri,
        @JsonProperty("refresh_grace_seconds") int refreshGraceSeconds,
        @JsonProperty("introspection_allowed") boolean introspectionAllowed,
        @JsonProperty("id_token_signed_response_alg") String idTokenSignedResponseAlg,
        @JsonProperty("app_type") String appType,
        @JsonProperty("owner_user_id") UUID ownerUserId,
        @JsonProperty("trusted") boolean trusted,
        @JsonProperty("frame_ancestors") List<String> frameAncestors,
        @JsonProperty("access_token_ttl") Integer accessTokenTtl,
        @JsonProperty("reason") String reason,
        @JsonProperty("post_logout_redirect_uris") List<String> postLogoutRedirectUris,
        @JsonProperty("rate_limits") RateLimits rateLimits,
        @JsonProperty("allowed_cors_origins") List<String> allowedCorsOrigins,
        @JsonProperty("id_token_scope_claims") boolean idTokenScopeClaims,
        @JsonProperty("jwks") ObjectNode jwks,
        @JsonProperty("jwks_uri") String jwksUri,
        @JsonProperty("require_pushed_authorization_requests") boolean requirePushedAuthorizationRequests,
        @JsonProperty("dpop_bound_access_tokens") boolean dpopBoundAccessTokens) {

    /**
     * An admin's request limits for the client, per minute (CONTRACT "Errors, limits, bad
     * input"); an absent member keeps token-service's default for it.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RateLimits(
            @JsonProperty("client_credentials") Integer clientCredentials,
            @JsonProperty("other") Integer other) {
    }

    public static final String AUTH_NONE = "none";
    public static final String AUTH_PRIVATE_KEY_JWT = "private_key_jwt";
    public static final String APP_DEDICATED = "dedicated";
    public static final String APP_THIRD_PARTY = "third_party";

    /** The scopes as a list, in registration order. */
    @JsonIgnore
    public List<String> scopes() {
        return List.copyOf(SpaceDelimited.parse(scope));
    }

    /** Whether the client authenticates with a secret (anything but `none`). */
    @JsonIgnore
    public boolean confidential() {
        return !AUTH_NONE.equals(tokenEndpointAuthMethod);
    }

    /** Whether the client authenticates with a secret: confidential, and not by its keys. */
    @JsonIgnore
    public boolean usesSecret() {
        return confidential() && !AUTH_PRIVATE_KEY_JWT.equals(tokenEndpointAuthMethod);
    }

    /** A dedicated app, built by a user for their own account. */
    @JsonIgnore
    public boolean dedicated() {
        return APP_DEDICATED.equals(appType);
    }
}
