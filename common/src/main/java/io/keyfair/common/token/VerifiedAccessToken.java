package io.keyfair.common.token;

import java.util.Set;

/** An access token whose signature, issuer, audience and expiry have been checked. */
public record VerifiedAccessToken(
        String jti,
        String subject,
        String clientId,
        Set<String> scopes,
        long issuedAt,
        long expiresAt,
        String grantId,
        String audience) {

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** A client_credentials token: no user is involved, so the subject is the client. */
    public boolean isClientToken() {
        return subject.equals(clientId);
    }
}
