package io.keyfair.token.refresh;

import java.util.List;

/**
 * One refresh token family as a grant reads it: who, which client, which scopes.
 *
 * @param dpopJkt the DPoP key its refreshes must prove (RFC 9449 §5), or null
 */
public record RefreshFamily(
        String id,
        String grantId,
        String clientId,
        String userId,
        List<String> scopes,
        long authTime,
        long createdAtMillis,
        long expiresAtEpochSeconds,
        String dpopJkt) {
}
