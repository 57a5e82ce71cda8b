package io.keyfair.authorize;

import java.time.Duration;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.secret.Secrets;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes clients straight into the real test database, as client-registry-service would. A small
 * builder: {@code TestClients.thirdParty().scope("openid profile").create(pool)}.
 */
public final class TestClients {

    private static final Duration WAIT = Duration.ofSeconds(10);
    public static final String REDIRECT = "http://127.0.0.1:9/cb";

    /** A client as created. */
    public record Created(String clientId, String name, String redirectUri) {
    }

    private String status = "approved";
    private String grantTypes = "authorization_code refresh_token";
    private String scope = "openid profile email seller roles offline_access";
    private String authMethod = "client_secret_basic";
    private String redirectUris = REDIRECT;
    private String postLogoutRedirectUris = "";
    private String appType = "third_party";
    private String owner;
    private boolean trusted;
    private String frameAncestors = "";
    private String logoUri = "https://cdn.example.com/logo.png";
    private String reason = "Syncs your listings";

    private TestClients() {
    }

    public static TestClients thirdParty() {
        return new TestClients();
    }

    public static TestClients publicClient() {
        TestClients c = new TestClients();
        c.authMethod = "none";
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

    public TestClients trusted(String frameAncestors) {
        this.trusted = true;
        this.frameAncestors = frameAncestors;
        return this;
    }

    public TestClients dedicatedTo(String ownerUserId) {
        this.appType = "dedicated";
        this.owner = ownerUserId;
        return this;
    }

    public TestClients logoUri(String value) {
        this.logoUri = value;
        return this;
    }

    public Created create(Pool pool) {
        String id = Secrets.newClientId();
        String name = "Listing Sync " + id.substring(0, 6);
        pool.preparedQuery("""
                insert into clients (client_id, client_name, logo_uri, tos_uri, policy_uri, redirect_uris, grant_types, scope,
                                     token_endpoint_auth_method, app_type, owner_user_id, trusted, frame_ancestors, reason, status,
                                     post_logout_redirect_uris)
                values ($1, $2, $3, 'https://app.example/tos', 'https://app.example/privacy', $4, $5, $6, $7, $8, $9::uuid,
                        $10, $11, $12, $13, $14)""")
                .execute(Tuple.tuple().addValue(id).addValue(name).addValue(logoUri).addValue(redirectUris)
                        .addValue(grantTypes).addValue(scope).addValue(authMethod).addValue(appType).addValue(owner)
                        .addValue(trusted).addValue(frameAncestors).addValue(reason).addValue(status)
                        .addValue(postLogoutRedirectUris))
                .await().atMost(WAIT);
        if (!"none".equals(authMethod)) {
            pool.preparedQuery("insert into client_secrets (client_id, secret_hash) values ($1, $2)")
                    .execute(Tuple.of(id, io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(Secrets.newSecret()))))
                    .await().atMost(WAIT);
        }
        return new Created(id, name, redirectUris.split(" ")[0]);
    }

    public static void setStatus(Pool pool, ClientChanges changes, String clientId, String status) {
        pool.preparedQuery("update clients set status = $2 where client_id = $1").execute(Tuple.of(clientId, status))
                .await().atMost(WAIT);
        changes.publish(clientId).await().atMost(WAIT);
    }
}
