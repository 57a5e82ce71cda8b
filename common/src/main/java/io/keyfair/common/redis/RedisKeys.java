package io.keyfair.common.redis;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.RedisConfig;

/**
 * The one place that names Redis keys and channels, so every service agrees on them.
 *
 * <p>Keys that one script or one command reads or writes together share a hash tag (the part in
 * braces), so that a Redis Cluster keeps them in one hash slot, on one node: a multi-key step
 * across slots fails there with {@code CROSSSLOT}. The groups:
 * <ul>
 * <li>{@code {revoked}}: the whole revocation mirror (entries, epoch, rebuild and sweep locks), read
 * in one {@code MGET} per check and written by one script per chunk. It lives on one node; it holds
 * only live revocations, and a check is one read of it.</li>
 * <li>{@code {<code hash>}}: an authorization code and its used-marker (one redemption script).</li>
 * <li>{@code {<address>}}: the login failures of an address and of each account at that address
 * (one throttle script).</li>
 * <li>{@code {rate-<shard>}}: request counters and excess sets of the clients of one of
 * {@link #RATE_SHARDS} shards; token-service flushes each shard with its own script.</li>
 * </ul>
 * Every other key is read and written alone. The prefix comes first and holds no brace.
 */
@ApplicationScoped
public class RedisKeys {

    /** How many hash-tagged shards the request counters are spread over (one flush script each). */
    public static final int RATE_SHARDS = 16;

    private final String prefix;

    RedisKeys(RedisConfig config) {
        String prefix = config.prefix();
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            // a brace in the prefix would become every key's hash tag, or break the ones below
            throw new IllegalArgumentException("keyfair.redis.prefix must not contain '{' or '}'");
        }
        this.prefix = prefix;
    }

    /** A revoked access token's `jti`; lives as long as the token would have. */
    public String revokedAccessToken(String jti) {
        return prefix + "{revoked}:jti:" + jti;
    }

    /**
     * Epoch milliseconds before which every access token of this client is void (set on
     * suspension and deletion); lives as long as the longest access token.
     */
    public String clientTokensRevokedBefore(String clientId) {
        return prefix + "{revoked}:client:" + clientId;
    }

    /** An unused authorization code, by the SHA-256 of the code. */
    public String authorizationCode(String codeHash) {
        return prefix + "code:{" + codeHash + "}";
    }

    /** Remembers that a code was redeemed (value: its grant id), to recognise a replay. */
    public String usedAuthorizationCode(String codeHash) {
        return prefix + "code-used:{" + codeHash + "}";
    }

    /** Every access token of a grant is void (code replay, refresh-token reuse, revocation). */
    public String revokedGrant(String grantId) {
        return prefix + "{revoked}:grant:" + grantId;
    }

    /**
     * Epoch milliseconds before which every token one user's grant to one client issued is void
     * (the user or an admin removed the connection).
     */
    public String userClientTokensRevokedBefore(String clientId, String userId) {
        return prefix + "{revoked}:user-client:" + clientId + ":" + userId;
    }

    /**
     * Epoch milliseconds before which every token of one user is void (the user was deleted);
     * lives as long as the longest access token.
     */
    public String userTokensRevokedBefore(String userId) {
        return prefix + "{revoked}:user:" + userId;
    }

    /**
     * Present only while Redis holds every revocation PostgreSQL holds: written (no expiry) at the
     * end of a complete rebuild of the mirror. A Redis that lost its data has lost this key too,
     * and nobody trusts the mirror again until it is rebuilt.
     */
    public String revocationMirrorEpoch() {
        return prefix + "{revoked}:mirror-epoch";
    }

    /** Held by the one instance rebuilding the revocation mirror (value: its random token). */
    public String revocationMirrorRebuild() {
        return prefix + "{revoked}:mirror-rebuild";
    }

    /** Held by the one instance re-applying the latest revocations in a sweep period. */
    public String revocationMirrorSweep() {
        return prefix + "{revoked}:mirror-sweep";
    }

    /** A login session, by the SHA-256 of its cookie value. */
    /**
     * A client assertion's `jti` seen once (RFC 7523 §3 item 7), by client and the SHA-256 of the
     * `jti` (hex), kept until the assertion expires.
     */
    public String usedClientAssertion(String clientId, String jtiHash) {
        return prefix + "assertion-used:" + clientId + ":" + jtiHash;
    }

    public String session(String sessionId) {
        return prefix + "session:" + sessionId;
    }

    /**
     * The sessions of one user (a set of the digests {@link #session} is named by), so that a
     * password change or the user's deletion can end them all; lives as long as the newest
     * session can.
     */
    public String sessionsOfUser(String userId) {
        return prefix + "user-sessions:" + userId;
    }

    /**
     * A validated authorization request waiting for the user to log in or consent (JSON, by a
     * random id that the login and consent pages carry).
     */
    public String authorizationRequest(String requestId) {
        return prefix + "authz-request:" + requestId;
    }

    /**
     * A pushed authorization request (RFC 9126) of one client: its parameters as JSON, under the
     * SHA-256 of the random part of its `request_uri`. The client id in the key binds it to the
     * client: another client's `request_uri` names a key that does not exist.
     */
    public String pushedAuthorizationRequest(String clientId, String requestUriHash) {
        return prefix + "par:" + clientId + ":" + requestUriHash;
    }

    /** How many pending authorization requests one client address stored within the window. */
    public String authorizationRequestsOfAddress(String address) {
        return prefix + "authz-request-rate:" + address;
    }

    /**
     * A framed authorization waiting for the browser to render its continuation page (JSON: the
     * request and the session it is bound to), by a random id; taken once.
     */
    public String framedContinuation(String id) {
        return prefix + "authz-framed:" + id;
    }

    /**
     * Failed logins for one account name from one client address, and until when the pair must
     * wait (a hash); lives for the throttling window after its last failure and delay. The
     * address comes first: it never holds a `|`, so no two pairs share a key.
     */
    public String loginFailuresOfAccountAtAddress(String username, String address) {
        return prefix + "login-fail:pair:{" + address + "}|" + username;
    }

    /** Failed logins from one client address within the throttling window. */
    public String loginFailuresOfAddress(String address) {
        return prefix + "login-fail:address:{" + address + "}";
    }

    /**
     * Failed client authentications of one client id from one client address within the
     * throttling window (token-service's `ClientAuthThrottle`). The address holds only the
     * characters of an IP literal, so the last `@` separates it from the id.
     */
    public String clientAuthFailures(String clientId, String address) {
        return prefix + "client-auth-fail:" + clientId + "@" + address;
    }

    /**
     * Requests of one client in one window (a minute) at the token, revocation and introspection
     * endpoints, the sum of every replica's (token-service's `LimitCounter` adds to it in batches),
     * per limit: {@code bucket} is `cc` for `client_credentials` token requests and `other` for
     * every other request; {@code window} is the epoch divided into windows. Lives until shortly
     * after its window ends.
     */
    public String requestCount(String clientId, String bucket, long window) {
        return prefix + "rate:" + rateTag(clientId) + ":" + clientId + ":" + bucket + ":" + window;
    }

    /**
     * The windows (a sorted set of window numbers scored by themselves) in which one client went
     * over a request limit, within the abuse rule's span; lives as long as that span.
     */
    public String limitExcessMinutes(String clientId) {
        return prefix + "rate-excess:" + rateTag(clientId) + ":" + clientId;
    }

    /**
     * The shard of a client's request counters, 0 to {@link #RATE_SHARDS} - 1: the same on every
     * replica ({@link String#hashCode} is specified).
     */
    public static int rateShard(String clientId) {
        return Math.floorMod(clientId.hashCode(), RATE_SHARDS);
    }

    private static String rateTag(String clientId) {
        return "{rate-" + rateShard(clientId) + "}";
    }

    /**
     * A DPoP proof already used (RFC 9449 §11.1), by the thumbprint of its key and the SHA-256 of
     * its `jti` (so a long `jti` makes no long key); lives as long as the proof could be accepted.
     * One key per proof, so the replay check is one `SET NX` on one slot even in a cluster.
     */
    public String dpopProofUsed(String jkt, String jtiDigest) {
        return prefix + "dpop-jti:" + jkt + ":" + jtiDigest;
    }

    /** Channel on which the registry names a client whose record changed. */
    public String clientChangesChannel() {
        return prefix + "client-changes";
    }
}
