package io.keyfair.common.token;

import java.util.Set;

/**
 * An access token whose signature, issuer, audience and expiry have been checked.
 *
 * @param jkt the `cnf.jkt` of a DPoP-bound token (RFC 9449 §6.1), or null for a bearer token
 */
public record VerifiedAccessToken(
        String jti,
        String subject,
        String clientId,
        Set<String> scopes,
        long issuedAt,
        long expiresAt,
        String grantId,
        String audience,
        String jkt) {

    /** A bearer token. */
    public VerifiedAccessToken(String jti, String subject, String clientId, Set<String> scopes, long issuedAt, long expiresAt,
            String grantId, String audience) {
        this(jti, subject, clientId, scopes, issuedAt, expiresAt, grantId, audience, null);
    }

    /** Bound to a DPoP key: only a request with a proof of that key may use it. */
    public boolean isDpopBound() {
        return jkt != null;
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** A client_credentials token: no user is involved, so the subject is the client. */
    public boolean isClientToken() {
        return subject.equals(clientId);
    }
}
