package io.keyfair.userinfo;

import static io.keyfair.common.testing.TestCors.assertNoCors;
import static io.keyfair.common.testing.TestCors.assertReadableFrom;
import static io.keyfair.common.testing.TestCors.newOrigin;
import static io.keyfair.common.testing.TestCors.preflight;
import static io.keyfair.common.testing.TestCors.registered;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
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

    private String tokenOf(Created client, String scope) {
        String user = TestUsers.user().create(pool).id();
        return TestTokens.forUser(user).clientId(client.clientId()).scope(scope).sign(signer);
    }

    private static Response userinfo(String origin, String token) {
        return given().header("Origin", origin).header("Authorization", "Bearer " + token).get("/oauth/userinfo");
    }

    @Test
    void preflightFromARegisteredOriginAllowsGetAndPostWithAuthorizationNamed() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        // the change is heard a moment after it is published
        Response r = await().atMost(Duration.ofSeconds(5)).until(() -> preflight("/oauth/userinfo", origin, "GET", "authorization"),
                res -> res.header("Access-Control-Allow-Origin") != null);
        assertEquals(204, r.statusCode());
        assertEquals(origin, r.header("Access-Control-Allow-Origin"));
        assertEquals("GET, POST", r.header("Access-Control-Allow-Methods"));
        // Fetch standard: "*" never covers Authorization, so it is named
        assertEquals("Authorization, DPoP, Content-Type", r.header("Access-Control-Allow-Headers"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
    }

    @Test
    void preflightFromAnOriginNoClientRegisteredGetsNoCorsHeaders() {
        Response r = preflight("/oauth/userinfo", newOrigin(), "GET", "authorization");
        assertEquals(204, r.statusCode());
        assertNoCors(r);
    }

    @Test
    void claimsAreReadableFromTheOriginTheTokensClientRegistered() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        Response r = userinfo(origin, tokenOf(spa, "openid profile"));
        assertEquals(200, r.statusCode());
        assertReadableFrom(r, origin);
    }

    @Test
    void claimsAreNotReadableFromAnOriginAnotherClientRegistered() {
        String other = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(other), pool, changes);
        Created spa = TestClients.publicClient().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = userinfo(other, tokenOf(spa, "openid profile"));
        assertEquals(200, r.statusCode());
        assertNoCors(r);
        assertTrue(r.headers().getValues("Vary").contains("Origin"));
    }

    @Test
    void refusalOfAKnownClientsTokenIsReadableFromItsOriginWithItsChallenge() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        Response r = userinfo(origin, tokenOf(spa, "profile"));
        assertEquals(403, r.statusCode());
        assertTrue(r.header("WWW-Authenticate").contains("insufficient_scope"));
        assertReadableFrom(r, origin);
    }

    @Test
    void aForgedTokenNamesNoClientSoItsRefusalIsNotReadable() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
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
