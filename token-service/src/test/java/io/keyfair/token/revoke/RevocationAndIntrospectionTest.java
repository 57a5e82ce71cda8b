package io.keyfair.token.revoke;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.post;
import static io.keyfair.token.TokenCalls.token;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RevocationAndIntrospectionTest {

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    TokenSigner signer;

    @Inject
    ClientChanges changes;

    private Created client() {
        return TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid profile").create(pool);
    }

    private Response tokens(Created client) {
        Response r = exchange(client, code(codes, client, TestUsers.user().create(pool).id(), List.of("openid", "profile"), null, null), null);
        r.then().statusCode(200);
        return r;
    }

    private static Response revoke(Created client, String token) {
        return post("/oauth/revoke", client, "token", token);
    }

    private static void assertInactive(Response r) {
        r.then().statusCode(200).header("Cache-Control", "no-store").body("$", aMapWithSize(1)).body("active", equalTo(false));
    }

    @Test
    void revokedAccessTokenIntrospectsInactiveAtOnce() {
        Created client = client();
        Response t = tokens(client);
        introspect(client, t.path("access_token")).then().statusCode(200).body("active", equalTo(true))
                .body("token_type", equalTo("access_token")).body("client_id", equalTo(client.clientId()))
                .body("scope", equalTo("openid profile")).body("iss", equalTo("http://localhost:8080"));
        revoke(client, t.path("access_token")).then().statusCode(200);
        assertInactive(introspect(client, t.path("access_token")));
        // revoking the access token leaves the refresh token working
        token(client, "grant_type", "refresh_token", "refresh_token", t.path("refresh_token")).then().statusCode(200);
    }

    @Test
    void revokedRefreshTokenStopsTheFamilyAndTheGrantsAccessTokens() {
        Created client = client();
        Response t = tokens(client);
        introspect(client, t.path("refresh_token")).then().body("active", equalTo(true)).body("token_type", equalTo("refresh_token"));
        revoke(client, t.path("refresh_token")).then().statusCode(200);
        token(client, "grant_type", "refresh_token", "refresh_token", t.path("refresh_token"))
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertInactive(introspect(client, t.path("refresh_token")));
        assertInactive(introspect(client, t.path("access_token")));
    }

    @Test
    void unknownTokenAndAnotherClientsTokenAreAcknowledgedButUntouched() {
        Created owner = client();
        Created other = client();
        Response t = tokens(owner);
        revoke(other, Secrets.newSecret()).then().statusCode(200);
        revoke(other, "not.a.jwt").then().statusCode(200);
        revoke(other, t.path("access_token")).then().statusCode(200);
        revoke(other, t.path("refresh_token")).then().statusCode(200);
        introspect(owner, t.path("access_token")).then().body("active", equalTo(true));
        introspect(owner, t.path("refresh_token")).then().body("active", equalTo(true));
    }

    @Test
    void revocationRequiresClientAuthentication() {
        Created client = client();
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded").formParam("token", "x")
                .post("/oauth/revoke").then().statusCode(401).body("error", equalTo("invalid_client"));
        io.restassured.RestAssured.given().contentType("application/x-www-form-urlencoded").auth().preemptive()
                .basic(client.clientId(), "0".repeat(64)).formParam("token", "x")
                .post("/oauth/revoke").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void clientsIntrospectOnlyTheirOwnTokensUnlessAllowed() {
        Created owner = client();
        Created stranger = client();
        Created resourceServer = TestClients.confidential().introspectionAllowed().create(pool);
        Response t = tokens(owner);
        assertInactive(introspect(stranger, t.path("access_token")));
        assertInactive(introspect(stranger, t.path("refresh_token")));
        introspect(resourceServer, t.path("access_token")).then().body("active", equalTo(true))
                .body("sub", equalTo(io.restassured.path.json.JsonPath.from(
                        new String(java.util.Base64.getUrlDecoder().decode(((String) t.path("access_token")).split("\\.")[1]))).getString("sub")));
        Created admin = new Created(TestClients.ADMIN_CLIENT_ID, "Keyfair admin", adminSecret(), null);
        introspect(admin, t.path("access_token")).then().body("active", equalTo(true));
    }

    @Test
    void publicClientsCannotIntrospect() {
        Created app = TestClients.publicClient().create(pool);
        introspect(app, "whatever").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void expiredForgedAndUnknownTokensIntrospectInactive() {
        Created client = client();
        long now = System.currentTimeMillis() / 1000;
        String expired = TestTokens.forUser("u").clientId(client.clientId()).lifetime(now - 100, now - 1).sign(signer);
        assertInactive(introspect(client, expired));
        String valid = tokens(client).path("access_token");
        String[] parts = valid.split("\\.");
        assertInactive(introspect(client, parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse()));
        assertInactive(introspect(client, Secrets.newSecret()));
        assertInactive(introspect(client, "garbage.garbage.garbage"));
    }

    @Test
    void tokensOfASuspendedClientIntrospectInactive() {
        Created client = client();
        Created resourceServer = TestClients.confidential().introspectionAllowed().create(pool);
        Response t = tokens(client);
        TestClients.setStatus(pool, changes, client.clientId(), "suspended");
        Awaitility.await().atMost(Duration.ofSeconds(1))
                .until(() -> !(Boolean) introspect(resourceServer, t.path("access_token")).path("active"));
        assertInactive(introspect(resourceServer, t.path("refresh_token")));
    }

    @Test
    void introspectionWithoutTokenGivesInvalidRequest() {
        post("/oauth/introspect", client()).then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    /** The bootstrap admin client's secret of the test profile. */
    private static String adminSecret() {
        return ConfigProvider.getConfig().getValue("keyfair.admin.client-secret", String.class);
    }
}
