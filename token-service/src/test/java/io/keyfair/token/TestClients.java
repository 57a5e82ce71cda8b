package io.keyfair.token;

import java.time.Duration;
import java.time.OffsetDateTime;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.secret.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes clients straight into the real test database, as client-registry-service would, and
 * announces changes on the real Redis channel. A small builder: {@code TestClients.confidential()}.
 */
public final class TestClients {

    private static final Duration WAIT = Duration.ofSeconds(10);
    public static final String REDIRECT_URI = "https://app.example/cb";

    /** A client as created: its id and, for confidential ones, its secret in clear. */
    public record Created(String clientId, String secret) {
    }

    private String status = "approved";
    private String grantTypes = "client_credentials";
    private String scope = "profile email";
    private String authMethod = "client_secret_basic";
    private String algorithm = "RS256";
    private Integer accessTokenTtl;
    private int refreshGraceSeconds = 2;
    private boolean introspectionAllowed;
    private Integer rateLimitClientCredentials;
    private Integer rateLimitOther;

    private TestClients() {
    }

    public static TestClients confidential() {
        return new TestClients();
    }

    public static TestClients publicClient() {
        TestClients c = new TestClients();
        c.authMethod = "none";
        c.grantTypes = "authorization_code refresh_token";
        return c;
    }

    public TestClients status(String value) {
        this.status = value;
        return this;
    }

    public TestClients grantTypes(String value) {
        this.grantTypes = value;
        return this;
    }

    public TestClients scope(String value) {
        this.scope = value;
        return this;
    }

    /** The registered `token_endpoint_auth_method`; a secret is made unless it is `none` or `private_key_jwt`. */
    public TestClients authMethod(String value) {
        this.authMethod = value;
        return this;
    }

    public TestClients algorithm(String value) {
        this.algorithm = value;
        return this;
    }

    public TestClients refreshGraceSeconds(int seconds) {
        this.refreshGraceSeconds = seconds;
        return this;
    }

    public TestClients introspectionAllowed() {
        this.introspectionAllowed = true;
        return this;
    }

    /** The admin's `rate_limits`: requests per minute, null for the default. */
    public TestClients rateLimits(Integer clientCredentials, Integer other) {
        this.rateLimitClientCredentials = clientCredentials;
        this.rateLimitOther = other;
        return this;
    }

    public TestClients accessTokenTtl(int seconds) {
        this.accessTokenTtl = seconds;
        return this;
    }

    public Created create(Pool pool) {
        String id = Secrets.newClientId();
        String secret = "none".equals(authMethod) || "private_key_jwt".equals(authMethod) ? null : Secrets.newSecret();
        pool.preparedQuery("""
                insert into clients (client_id, client_name, redirect_uris, grant_types, scope, token_endpoint_auth_method,
                                     id_token_signed_response_alg, access_token_ttl, status, refresh_grace_seconds,
                                     introspection_allowed, rate_limit_client_credentials, rate_limit_other)
                values ($1, $2, $9, $3, $4, $5, $6, $7, $8, $10, $11, $12, $13)""")
                .execute(Tuple.tuple().addValue(id).addValue("Test app " + id).addValue(grantTypes).addValue(scope)
                        .addValue(authMethod).addValue(algorithm).addValue(accessTokenTtl).addValue(status)
                        .addValue(REDIRECT_URI).addValue(refreshGraceSeconds).addValue(introspectionAllowed)
                        .addValue(rateLimitClientCredentials).addValue(rateLimitOther))
                .await().atMost(WAIT);
        if (secret != null) {
            addSecret(pool, id, secret, null);
        }
        return new Created(id, secret);
    }

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

    public static void setStatus(Pool pool, ClientChanges changes, String clientId, String status) {
        pool.preparedQuery("update clients set status = $2 where client_id = $1").execute(Tuple.of(clientId, status))
                .await().atMost(WAIT);
        changes.publish(clientId).await().atMost(WAIT);
    }
}
