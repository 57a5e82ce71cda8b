package io.keyfair.userinfo;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
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

/**
 * CONTRACT "Browser apps (CORS)": userinfo answers a browser on an origin that the access token's
 * client registered in `allowed_cors_origins`, and no other origin; never with credentials.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class CorsTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    ClientChanges changes;

    /** Creates the client and announces it, as the registry does for every client it writes. */
    private Created registered(TestClients client) {
        Created created = client.create(pool);
        changes.publish(created.clientId()).await().atMost(Duration.ofSeconds(5));
        return created;
    }

    private static String newOrigin() {
        return "https://spa-" + Secrets.randomHex(4) + ".example";
    }

    private String tokenOf(Created client, String scope) {
        String user = TestUsers.user().create(pool).id();
        return TestTokens.forUser(user).clientId(client.clientId()).scope(scope).sign(signer);
    }

    private static Response userinfo(String origin, String token) {
        return given().header("Origin", origin).header("Authorization", "Bearer " + token).get("/oauth/userinfo");
    }

    private static void assertNoCors(Response r) {
        List<String> cors = r.headers().asList().stream().map(h -> h.getName().toLowerCase())
                .filter(name -> name.startsWith("access-control-")).toList();
        assertEquals(List.of(), cors, "CORS headers on " + r.statusCode());
    }

    private static void assertReadableFrom(Response r, String origin) {
        assertEquals(origin, r.header("Access-Control-Allow-Origin"));
        assertEquals("WWW-Authenticate, DPoP-Nonce", r.header("Access-Control-Expose-Headers"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertTrue(r.headers().getValues("Vary").contains("Origin"));
    }

    @Test
    void preflightFromARegisteredOriginAllowsGetAndPostWithAuthorizationNamed() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin));
        // the change is heard a moment after it is published
        Response r = await().atMost(Duration.ofSeconds(5)).until(() -> given().header("Origin", origin)
                .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization")
                .options("/oauth/userinfo"), res -> res.header("Access-Control-Allow-Origin") != null);
        assertEquals(204, r.statusCode());
        assertEquals(origin, r.header("Access-Control-Allow-Origin"));
        assertEquals("GET, POST", r.header("Access-Control-Allow-Methods"));
        // Fetch standard: "*" never covers Authorization, so it is named
        assertEquals("Authorization, DPoP, Content-Type", r.header("Access-Control-Allow-Headers"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void preflightFromAnOriginNoClientRegisteredGetsNoCorsHeaders() {
        Response r = given().header("Origin", newOrigin()).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").options("/oauth/userinfo");
        assertEquals(204, r.statusCode());
        assertNoCors(r);
    }

    @Test
    void claimsAreReadableFromTheOriginTheTokensClientRegistered() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin));
        Response r = userinfo(origin, tokenOf(spa, "openid profile"));
        assertEquals(200, r.statusCode());
        assertReadableFrom(r, origin);
    }

    @Test
    void claimsAreNotReadableFromAnOriginAnotherClientRegistered() {
        String other = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(other));
        Created spa = TestClients.publicClient().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = userinfo(other, tokenOf(spa, "openid profile"));
        assertEquals(200, r.statusCode());
        assertNoCors(r);
        assertTrue(r.headers().getValues("Vary").contains("Origin"));
    }

    @Test
    void refusalOfAKnownClientsTokenIsReadableFromItsOriginWithItsChallenge() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin));
        Response r = userinfo(origin, tokenOf(spa, "profile"));
        assertEquals(403, r.statusCode());
        assertTrue(r.header("WWW-Authenticate").contains("insufficient_scope"));
        assertReadableFrom(r, origin);
    }

    @Test
    void aForgedTokenNamesNoClientSoItsRefusalIsNotReadable() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin));
        Response r = userinfo(origin, "not.a.token");
        assertEquals(401, r.statusCode());
        assertNoCors(r);
    }

    @Test
    void requestWithoutAnOriginGetsNoCorsHeadersButVariesByOrigin() {
        Created spa = TestClients.publicClient().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = given().header("Authorization", "Bearer " + tokenOf(spa, "openid")).get("/oauth/userinfo");
        assertEquals(200, r.statusCode());
        assertNoCors(r);
        assertEquals("Origin", r.header("Vary"));
    }
}
