package io.keyfair.common.redis;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.RedisConfig;

/** The one place that names Redis keys and channels, so every service agrees on them. */
@ApplicationScoped
public class RedisKeys {

    private final String prefix;

    RedisKeys(RedisConfig config) {
        this.prefix = config.prefix();
    }

    /** A revoked access token's `jti`; lives as long as the token would have. */
    public String revokedAccessToken(String jti) {
        return prefix + "revoked:jti:" + jti;
    }

    /**
     * Epoch milliseconds before which every access token of this client is void (set on
     * suspension and deletion); lives as long as the longest access token.
     */
    public String clientTokensRevokedBefore(String clientId) {
        return prefix + "revoked:client:" + clientId;
    }

    /** An unused authorization code, by the SHA-256 of the code. */
    public String authorizationCode(String codeHash) {
        return prefix + "code:" + codeHash;
    }

    /** Remembers that a code was redeemed (value: its grant id), to recognise a replay. */
    public String usedAuthorizationCode(String codeHash) {
        return prefix + "code-used:" + codeHash;
    }

    /** Every access token of a grant is void (code replay, refresh-token reuse, revocation). */
    public String revokedGrant(String grantId) {
        return prefix + "revoked:grant:" + grantId;
    }

    /**
     * Epoch milliseconds before which every token one user's grant to one client issued is void
     * (the user or an admin removed the connection).
     */
    public String userClientTokensRevokedBefore(String clientId, String userId) {
        return prefix + "revoked:user-client:" + clientId + ":" + userId;
    }

    /** A login session. */
    public String session(String sessionId) {
        return prefix + "session:" + sessionId;
    }

    /**
     * A validated authorization request waiting for the user to log in or consent (JSON, by a
     * random id that the login and consent pages carry).
     */
    public String authorizationRequest(String requestId) {
        return prefix + "authz-request:" + requestId;
    }

    /**
     * A framed authorization waiting for the browser to render its continuation page (JSON: the
     * request and the session it is bound to), by a random id; taken once.
     */
    public String framedContinuation(String id) {
        return prefix + "authz-framed:" + id;
    }

    /** Failed logins for one account name within the throttling window. */
    public String loginFailuresOfAccount(String username) {
        return prefix + "login-fail:account:" + username;
    }

    /** Failed logins from one client address within the throttling window. */
    public String loginFailuresOfAddress(String address) {
        return prefix + "login-fail:address:" + address;
    }

    /** Channel on which the registry names a client whose record changed. */
    public String clientChangesChannel() {
        return prefix + "client-changes";
    }
}
