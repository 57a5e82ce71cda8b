package io.keyfair.common.testing;

import java.time.Duration;
import java.time.OffsetDateTime;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.secret.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes clients straight into the real test database, as client-registry-service would, and
 * announces changes on the real Redis channel, as it does. A small builder:
 * {@code TestClients.confidential().scope("openid profile").create(pool)}.
 */
public final class TestClients {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The redirect URI every client registers unless told otherwise: nothing listens there. */
    public static final String REDIRECT_URI = "http://127.0.0.1:9/cb";
    /** The bootstrap admin client of the test profile (`%test.keyfair.admin.client-id`). */
    public static final String ADMIN_CLIENT_ID = "00000000000000000000000000adm1n0";

    /**
     * A client as created.
     *
     * @param secret its secret in clear, or null when it authenticates without one
     * @param redirectUri the first of its redirect URIs
     */
    public record Created(String clientId, String name, String secret, String redirectUri) {
    }

    private String status = "approved";
    private String grantTypes;
    private String scope;
    private String authMethod = "client_secret_basic";
    private String algorithm = "RS256";
    private Integer accessTokenTtl;
    private int refreshGraceSeconds = 2;
    private boolean introspectionAllowed;
    private String redirectUris = REDIRECT_URI;
    private String postLogoutRedirectUris = "";
    private String appType = "third_party";
    private String owner;
    private boolean trusted;
    private String frameAncestors = "";
    private String logoUri = "https://cdn.example.com/logo.png";
    private String reason = "Syncs your listings";
    private String name = "Listing Sync";
    private Integer rateLimitClientCredentials;
    private Integer rateLimitOther;
    private String allowedCorsOrigins = "";
    private boolean idTokenScopeClaims = true;
    private String jwks;
    private String jwksUri;
    private boolean requirePushedAuthorizationRequests;
    private boolean dpopBoundAccessTokens;

    private TestClients(String grantTypes, String scope) {
        this.grantTypes = grantTypes;
        this.scope = scope;
    }

    /** A backend service with a secret: client_credentials for `profile email`. */
    public static TestClients confidential() {
        return new TestClients("client_credentials", "profile email");
    }

    /** A web app with a secret that users sign in to: the code flow, refresh tokens, every user scope. */
    public static TestClients thirdParty() {
        return new TestClients("authorization_code refresh_token", "openid profile email seller roles offline_access");
    }

    /** A native or single-page app: the code flow and refresh tokens, no secret. */
    public static TestClients publicClient() {
        return thirdParty().authMethod("none");
    }

    public TestClients status(String value) {
        this.status = value;
        return this;
    }

    /** Space separated. */
    public TestClients grantTypes(String value) {
        this.grantTypes = value;
        return this;
    }

    /** Space separated. */
    public TestClients scope(String value) {
        this.scope = value;
        return this;
    }

    /** The registered `token_endpoint_auth_method`; a secret is made unless it is `none` or `private_key_jwt`. */
    public TestClients authMethod(String value) {
        this.authMethod = value;
        return this;
    }

    /** The `id_token_signed_response_alg`, which signs its access tokens too. */
    public TestClients algorithm(String value) {
        this.algorithm = value;
        return this;
    }

    public TestClients refreshGraceSeconds(int seconds) {
        this.refreshGraceSeconds = seconds;
        return this;
    }

    /** Registered with `dpop_bound_access_tokens: true`: every token request must carry a proof. */
    public TestClients dpopBoundAccessTokens() {
        this.dpopBoundAccessTokens = true;
        return this;
    }

    public TestClients introspectionAllowed() {
        this.introspectionAllowed = true;
        return this;
    }

    public TestClients accessTokenTtl(int seconds) {
        this.accessTokenTtl = seconds;
        return this;
    }

    /** Space separated. */
    public TestClients redirectUris(String value) {
        this.redirectUris = value;
        return this;
    }

    /** Space separated. */
    public TestClients postLogoutRedirectUris(String value) {
        this.postLogoutRedirectUris = value;
        return this;
    }

    /** A first-party client: no consent, and these origins (space separated) may frame its pages. */
    public TestClients trusted(String frameAncestors) {
        this.trusted = true;
        this.frameAncestors = frameAncestors;
        return this;
    }

    /** An app only its owner may sign in to (null: an owner who was deleted). */
    public TestClients dedicatedTo(String ownerUserId) {
        this.appType = "dedicated";
        this.owner = ownerUserId;
        return this;
    }

    /** The client's name, before the start of its id that keeps names apart (a long one tests how pages wrap). */
    public TestClients name(String value) {
        this.name = value;
        return this;
    }

    public TestClients logoUri(String value) {
        this.logoUri = value;
        return this;
    }

    /** The client's own `rate_limits` per minute; null keeps the default. */
    public TestClients rateLimits(Integer clientCredentials, Integer other) {
        this.rateLimitClientCredentials = clientCredentials;
        this.rateLimitOther = other;
        return this;
    }

    /** The origins (space separated) whose pages may call token, revoke, introspect and userinfo. */
    public TestClients allowedCorsOrigins(String value) {
        this.allowedCorsOrigins = value;
        return this;
    }

    /** Whether its ID tokens carry the claims of the granted scopes (the default). */
    public TestClients idTokenScopeClaims(boolean value) {
        this.idTokenScopeClaims = value;
        return this;
    }

    /** A `private_key_jwt` client with these public keys (a JWK set as JSON). */
    public TestClients privateKeyJwt(String publicJwks) {
        this.authMethod = "private_key_jwt";
        this.jwks = publicJwks;
        return this;
    }

    /** A `private_key_jwt` client that publishes its keys at this URL. */
    public TestClients privateKeyJwtAt(String uri) {
        this.authMethod = "private_key_jwt";
        this.jwksUri = uri;
        return this;
    }

    /** RFC 9126 §6: the client may authorize only with a request_uri from the PAR endpoint. */
    public TestClients requirePushedAuthorizationRequests() {
        this.requirePushedAuthorizationRequests = true;
        return this;
    }

    /** Inserts the client and, unless it authenticates without one, a secret. */
    public Created create(Pool pool) {
        String id = Secrets.newClientId();
        String clientName = name + " " + id.substring(0, 6);
        insert(pool, id, clientName, "");
        if (requirePushedAuthorizationRequests) {
            pool.preparedQuery("update clients set require_pushed_authorization_requests = true where client_id = $1")
                    .execute(Tuple.of(id)).await().atMost(WAIT);
        }
        String secret = "none".equals(authMethod) || "private_key_jwt".equals(authMethod) ? null : Secrets.newSecret();
        if (secret != null) {
            addSecret(pool, id, secret, null);
        }
        return new Created(id, clientName, secret, redirectUris.split(" ")[0]);
    }

    /** The bootstrap admin client's row, as token-service's start-up creates it; its secret is not known here. */
    public static void ensureBootstrapAdmin(Pool pool) {
        TestClients admin = confidential().scope("admin");
        admin.redirectUris = "";
        admin.logoUri = null;
        admin.reason = "Bootstrap admin client";
        admin.insert(pool, ADMIN_CLIENT_ID, "Keyfair admin", " on conflict (client_id) do nothing");
    }

    private void insert(Pool pool, String id, String clientName, String onConflict) {
        pool.preparedQuery("""
                insert into clients (client_id, client_name, logo_uri, tos_uri, policy_uri, redirect_uris, post_logout_redirect_uris,
                                     grant_types, scope, token_endpoint_auth_method, id_token_signed_response_alg, access_token_ttl,
                                     refresh_grace_seconds, introspection_allowed, app_type, owner_user_id, trusted, frame_ancestors,
                                     reason, status, rate_limit_client_credentials, rate_limit_other, allowed_cors_origins,
                                     id_token_scope_claims, jwks, jwks_uri, dpop_bound_access_tokens)
                values ($1, $2, $3, 'https://app.example/tos', 'https://app.example/privacy', $4, $5, $6, $7, $8, $9, $10, $11, $12,
                        $13, $14::uuid, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)""" + onConflict)
                .execute(Tuple.tuple().addValue(id).addValue(clientName).addValue(logoUri).addValue(redirectUris)
                        .addValue(postLogoutRedirectUris).addValue(grantTypes).addValue(scope).addValue(authMethod)
                        .addValue(algorithm).addValue(accessTokenTtl).addValue(refreshGraceSeconds).addValue(introspectionAllowed)
                        .addValue(appType).addValue(owner).addValue(trusted).addValue(frameAncestors).addValue(reason)
                        .addValue(status).addValue(rateLimitClientCredentials).addValue(rateLimitOther)
                        .addValue(allowedCorsOrigins).addValue(idTokenScopeClaims)
                        .addValue(jwks).addValue(jwksUri).addValue(dpopBoundAccessTokens))
                .await().atMost(WAIT);
    }

    /** Another secret of the client, stored as its SHA-256; `expiresAt` null for one that does not expire. */
    public static void addSecret(Pool pool, String clientId, String secret, OffsetDateTime expiresAt) {
        pool.preparedQuery("insert into client_secrets (client_id, secret_hash, expires_at) values ($1, $2, $3)")
                .execute(Tuple.of(clientId, Buffer.buffer(Secrets.sha256(secret)), expiresAt))
                .await().atMost(WAIT);
    }

    /** What the registry does on rotation: the old secret expires (now or later), a new one is added. */
    public static String rotate(Pool pool, ClientChanges changes, String clientId, Duration overlap) {
        String secret = Secrets.newSecret();
        pool.preparedQuery("update client_secrets set expires_at = now() + make_interval(secs => $2) where client_id = $1")
                .execute(Tuple.of(clientId, (double) overlap.toSeconds())).await().atMost(WAIT);
        addSecret(pool, clientId, secret, null);
        changes.publish(clientId).await().atMost(WAIT);
        return secret;
    }

    /** What the registry does on approve, suspend or reject: the new status, announced. */
    public static void setStatus(Pool pool, ClientChanges changes, String clientId, String status) {
        pool.preparedQuery("update clients set status = $2 where client_id = $1").execute(Tuple.of(clientId, status))
                .await().atMost(WAIT);
        changes.publish(clientId).await().atMost(WAIT);
    }
}
