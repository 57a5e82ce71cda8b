package io.keyfair.token.cors;

import static io.keyfair.common.testing.TestCors.assertNoCors;
import static io.keyfair.common.testing.TestCors.assertReadableFrom;
import static io.keyfair.common.testing.TestCors.newOrigin;
import static io.keyfair.common.testing.TestCors.preflight;
import static io.keyfair.common.testing.TestCors.registered;
import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.token;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.token.TokenCalls.Pkce;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * CONTRACT "Browser apps (CORS)": token, revocation and introspection answer the origins their
 * client registered in `allowed_cors_origins`; discovery, the SSF configuration and the JWKS
 * answer any origin. Never with credentials.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class CorsTest {

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    ClientChanges changes;

    /** A public single-page app's code redeemed from this origin. */
    private Response redeemFrom(Created spa, String origin) {
        Pkce pkce = Pkce.random();
        String code = code(codes, spa, TestUsers.user().create(pool).id(), List.of("openid", "profile"), null, pkce);
        return given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "authorization_code").formParam("code", code)
                .formParam("redirect_uri", TestClients.REDIRECT_URI).formParam("code_verifier", pkce.verifier())
                .formParam("client_id", spa.clientId())
                .post("/oauth/token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/oauth/token", "/oauth/revoke", "/oauth/introspect"})
    void preflightFromARegisteredOriginAllowsPostWithAuthorizationDpopAndContentType(String path) {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        // the change is heard a moment after it is published
        Response r = await().atMost(Duration.ofSeconds(5)).until(() -> preflight(path, origin, "POST", "authorization,dpop,content-type"),
                res -> res.header("Access-Control-Allow-Origin") != null);
        assertEquals(204, r.statusCode());
        assertEquals(origin, r.header("Access-Control-Allow-Origin"));
        assertEquals("POST", r.header("Access-Control-Allow-Methods"));
        assertEquals("Authorization, DPoP, Content-Type", r.header("Access-Control-Allow-Headers"));
        assertEquals("600", r.header("Access-Control-Max-Age"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertEquals("Origin", r.header("Vary"));
    }

    @Test
    void preflightFromAnOriginNoClientRegisteredGetsNoCorsHeaders() {
        TestClients.publicClient().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = preflight("/oauth/token", newOrigin(), "POST", "content-type");
        assertEquals(204, r.statusCode());
        assertNoCors(r);
    }

    @Test
    void preflightFromAnOriginOnlyASuspendedClientRegisteredGetsNoCorsHeaders() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin).status("suspended"), pool, changes);
        assertNoCors(preflight("/oauth/token", origin, "POST", "content-type"));
    }

    @Test
    void anOriginRegisteredLaterIsAllowedOnceTheChangeIsHeard() {
        Created spa = registered(TestClients.publicClient(), pool, changes);
        String origin = newOrigin();
        assertNoCors(preflight("/oauth/token", origin, "POST", "content-type"));
        pool.preparedQuery("update clients set allowed_cors_origins = $2 where client_id = $1")
                .execute(Tuple.of(spa.clientId(), origin)).await().atMost(Duration.ofSeconds(5));
        changes.publish(spa.clientId()).await().atMost(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertEquals(origin, preflight("/oauth/token", origin, "POST", "content-type").header("Access-Control-Allow-Origin")));
    }

    @Test
    void tokenResponseIsReadableFromTheClientsOrigin() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        Response r = redeemFrom(spa, origin);
        assertEquals(200, r.statusCode(), r.asString());
        assertReadableFrom(r, origin);
    }

    @Test
    void tokenResponseIsNotReadableFromAnotherClientsOrigin() {
        String other = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(other), pool, changes);
        Created spa = TestClients.publicClient().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = redeemFrom(spa, other);
        assertEquals(200, r.statusCode());
        assertNoCors(r);
        assertTrue(r.headers().getValues("Vary").contains("Origin"));
    }

    @Test
    void tokenErrorOfTheNamedClientIsReadableFromItsOrigin() {
        String origin = newOrigin();
        Created spa = registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        Response r = given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "authorization_code").formParam("code", "no-such-code")
                .formParam("redirect_uri", TestClients.REDIRECT_URI).formParam("client_id", spa.clientId())
                .post("/oauth/token");
        r.then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertReadableFrom(r, origin);
    }

    @Test
    void failedClientAuthenticationOfANamedClientIsReadableFromItsOrigin() {
        String origin = newOrigin();
        Created app = registered(TestClients.confidential().allowedCorsOrigins(origin), pool, changes);
        Response r = given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .auth().preemptive().basic(app.clientId(), "wrong")
                .formParam("grant_type", "client_credentials").post("/oauth/token");
        r.then().statusCode(401).body("error", equalTo("invalid_client"));
        assertReadableFrom(r, origin);
    }

    @Test
    void errorWithoutANamedClientIsNotReadableFromAnyOrigin() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        Response r = given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials").post("/oauth/token");
        r.then().statusCode(401).body("error", equalTo("invalid_client"));
        assertNoCors(r);
    }

    @Test
    void requestWithoutAnOriginGetsNoCorsHeadersButVariesByOrigin() {
        Created app = TestClients.confidential().allowedCorsOrigins(newOrigin()).create(pool);
        Response r = token(app, "grant_type", "client_credentials");
        assertEquals(200, r.statusCode());
        assertNoCors(r);
        assertEquals("Origin", r.header("Vary"));
    }

    @Test
    void revocationAndIntrospectionAreReadableFromTheClientsOrigin() {
        String origin = newOrigin();
        Created app = registered(TestClients.confidential().allowedCorsOrigins(origin), pool, changes);
        String accessToken = token(app, "grant_type", "client_credentials").path("access_token");
        Response introspected = given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .auth().preemptive().basic(app.clientId(), app.secret()).formParam("token", accessToken).post("/oauth/introspect");
        introspected.then().statusCode(200).body("active", equalTo(true));
        assertReadableFrom(introspected, origin);
        Response revoked = given().header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .auth().preemptive().basic(app.clientId(), app.secret()).formParam("token", accessToken).post("/oauth/revoke");
        assertEquals(200, revoked.statusCode());
        assertReadableFrom(revoked, origin);
        Response fromElsewhere = given().header("Origin", newOrigin()).contentType("application/x-www-form-urlencoded")
                .auth().preemptive().basic(app.clientId(), app.secret()).formParam("token", accessToken).post("/oauth/introspect");
        fromElsewhere.then().statusCode(200).body("active", equalTo(false));
        assertNoCors(fromElsewhere);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
            "/.well-known/ssf-configuration", "/oauth/jwks"})
    void publicDocumentsAnswerAnyOrigin(String path) {
        Response r = given().header("Origin", newOrigin()).get(path);
        assertEquals(200, r.statusCode());
        assertEquals("*", r.header("Access-Control-Allow-Origin"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        Response pre = preflight(path, newOrigin(), "GET", null);
        assertEquals(204, pre.statusCode());
        assertEquals("*", pre.header("Access-Control-Allow-Origin"));
    }

    @Test
    void pollEndpointSendsNoCorsHeaders() {
        String origin = newOrigin();
        registered(TestClients.publicClient().allowedCorsOrigins(origin), pool, changes);
        assertNoCors(preflight("/ssf/poll", origin, "POST", "authorization"));
        given().header("Origin", origin).post("/ssf/poll").then().header("Access-Control-Allow-Origin", nullValue());
    }
}
