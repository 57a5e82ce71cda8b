package io.keyfair.common.token;

import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * Everything an RFC 9068 access token says, decided by a grant before it is signed.
 *
 * @param subject the user id, or the client id for client_credentials
 * @param grantId the authorization grant this token descends from (a code, a refresh family,
 *        or the token's own jti), so that everything a grant issued can be revoked at once
 */
public record AccessToken(
        String issuer,
        String audience,
        String subject,
        String clientId,
        List<String> scopes,
        long issuedAt,
        long expiresAt,
        String jti,
        String grantId,
        JWSAlgorithm algorithm) {

    public String scope() {
        return String.join(" ", scopes);
    }

    public long lifetimeSeconds() {
        return expiresAt - issuedAt;
    }
}
