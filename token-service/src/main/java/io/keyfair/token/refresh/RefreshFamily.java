package io.keyfair.token.refresh;

import java.util.List;

/** One refresh token family as a grant reads it: who, which client, which scopes. */
public record RefreshFamily(
        String id,
        String grantId,
        String clientId,
        String userId,
        List<String> scopes,
        long authTime,
        long createdAtMillis,
        long expiresAtEpochSeconds) {
}
