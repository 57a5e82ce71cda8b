package io.keyfair.common.client;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.secret.Secrets;

/**
 * A registered client as the token and authorize paths read it: immutable, cached in memory.
 *
 * @param idTokenSignedResponseAlg as registered (OpenID Connect Dynamic Client Registration §2); read
 *        through {@link #signingAlgorithm()}
 * @param reason why the app wants access, as it said when it registered (shown on the consent page), or null
 * @param postLogoutRedirectUris where `/logout` may send the user afterwards (RP-Initiated Logout §3.1)
 * @param rateLimits the admin's per-minute request limits for this client (`rate_limits`); a null
 *        member means the configured default
 * @param allowedCorsOrigins the exact origins (`scheme://host[:port]`) whose pages may call token,
 *        revoke, introspect and userinfo from a browser (CORS)
 * @param idTokenScopeClaims whether its ID tokens carry the claims of the granted scopes
 * @param jwks a `private_key_jwt` client's public keys as a JWK set (JSON), or null
 * @param jwksUri where a `private_key_jwt` client publishes its public keys instead, or null
 * @param requirePushedAuthorizationRequests the client may only authorize with a `request_uri`
 *        from the PAR endpoint (RFC 9126 §6)
 * @param secrets the SHA-256 of every secret that may still authenticate the client
 * @param dpopBoundAccessTokens every token request must carry a DPoP proof (RFC 9449 §5.2)
 */
public record ClientRecord(
        String clientId,
        String name,
        ClientStatus status,
        String tokenEndpointAuthMethod,
        Set<String> grantTypes,
        Set<String> scopes,
        List<String> redirectUris,
        Integer accessTokenTtl,
        boolean introspectionAllowed,
        String idTokenSignedResponseAlg,
        int refreshGraceSeconds,
        boolean trusted,
        List<String> frameAncestors,
        String appType,
        String ownerUserId,
        String logoUri,
        String tosUri,
        String policyUri,
        String reason,
        List<String> postLogoutRedirectUris,
        RateLimits rateLimits,
        Set<String> allowedCorsOrigins,
        boolean idTokenScopeClaims,
        String jwks,
        String jwksUri,
        boolean requirePushedAuthorizationRequests,
        List<Secret> secrets,
        boolean dpopBoundAccessTokens) {

    /**
     * Requests per minute an admin allowed this client at the token, revocation and
     * introspection endpoints; null where the configured default applies.
     *
     * @param clientCredentials for `client_credentials` token requests
     * @param other for every other request
     */
    public record RateLimits(Integer clientCredentials, Integer other) {

        /** No override: the defaults apply. */
        public static final RateLimits DEFAULTS = new RateLimits(null, null);
    }

    /** One stored secret digest; a rotated-out one works until {@code expiresAt}. */
    public record Secret(byte[] hash, Instant expiresAt) {
        boolean usableAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    public static final String AUTH_NONE = "none";

    public boolean isPublic() {
        return AUTH_NONE.equals(tokenEndpointAuthMethod);
    }

    /** The algorithm of the client's access and ID tokens: RS256 unless it registered ES256. */
    public JWSAlgorithm signingAlgorithm() {
        return "ES256".equals(idTokenSignedResponseAlg) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    }

    public boolean isApproved() {
        return status == ClientStatus.APPROVED;
    }

    /** Whether the presented secret is, {@code now}, the current one or a rotated one still in its overlap. */
    public boolean secretMatches(String presented, Instant now) {
        if (presented == null) {
            return false;
        }
        byte[] digest = Secrets.sha256(presented);
        boolean matched = false;
        for (Secret s : secrets) {
            // check every digest, so the time taken does not say which one matched
            matched |= s.usableAt(now) & MessageDigest.isEqual(digest, s.hash());
        }
        return matched;
    }
}
