package io.keyfair.token.grant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientCredentialsTest {

    @Inject
    Pool pool;

    @Inject
    ClientChanges changes;

    private static RequestSpecification form() {
        return given().contentType("application/x-www-form-urlencoded");
    }

    private static Response basic(Created client, String... params) {
        return basic(client.clientId(), client.secret(), params);
    }

    private static Response basic(String id, String secret, String... params) {
        RequestSpecification spec = form().auth().preemptive().basic(id, secret);
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.formParam(params[i], params[i + 1]);
        }
        return spec.post("/oauth/token");
    }

    private static void assertError(Response r, int status, String error) {
        r.then().statusCode(status)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo(error))
                .body("error_description", not(emptyOrNullString()));
    }

    private static JWTClaimsSet verified(String token, JWSAlgorithm expected) throws Exception {
        JWKSet jwks = JWKSet.parse(given().get("/oauth/jwks").then().statusCode(200).extract().asString());
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(expected, jwt.getHeader().getAlgorithm());
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(key != null, "the token's kid is in the JWKS");
        boolean valid = key instanceof RSAKey rsa ? jwt.verify(new RSASSAVerifier(rsa)) : jwt.verify(new ECDSAVerifier((ECKey) key));
        assertTrue(valid, "signature verifies against the JWKS");
        return jwt.getJWTClaimsSet();
    }

    @Test
    void basicAuthenticationGetsASignedAccessTokenWithoutRefreshToken() throws Exception {
        Created client = TestClients.confidential().scope("profile email").create(pool);
        Response r = basic(client, "grant_type", "client_credentials", "scope", "profile");
        r.then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(3600))
                .body("scope", equalTo("profile"))
                .body("refresh_token", nullValue())
                .body("id_token", nullValue());
        JWTClaimsSet claims = verified(r.path("access_token"), JWSAlgorithm.RS256);
        assertEquals("http://localhost:8080", claims.getIssuer());
        assertEquals(client.clientId(), claims.getSubject());
        assertEquals(List.of("http://localhost:8080"), claims.getAudience());
        assertEquals(client.clientId(), claims.getStringClaim("client_id"));
        assertEquals("profile", claims.getStringClaim("scope"));
        assertEquals(3600, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
        assertTrue(Math.abs(claims.getIssueTime().getTime() - new Date().getTime()) < 60_000);
        assertTrue(claims.getJWTID().length() >= 32);
    }

    @Test
    void postAuthenticationWorksForAClientRegisteredForIt() {
        Created client = TestClients.confidential().authMethod("client_secret_post").create(pool);
        form().formParam("grant_type", "client_credentials")
                .formParam("client_id", client.clientId())
                .formParam("client_secret", client.secret())
                .post("/oauth/token")
                .then().statusCode(200).body("access_token", not(emptyOrNullString()));
    }

    @Test
    void withoutScopeTheRegisteredScopesAreGranted() {
        Created client = TestClients.confidential().scope("profile email").create(pool);
        basic(client, "grant_type", "client_credentials").then().statusCode(200).body("scope", equalTo("profile email"));
    }

    @Test
    void es256ClientGetsAnEs256TokenAndItsOwnLifetime() throws Exception {
        Created client = TestClients.confidential().algorithm("ES256").accessTokenTtl(120).create(pool);
        Response r = basic(client, "grant_type", "client_credentials");
        r.then().statusCode(200).body("expires_in", equalTo(120));
        JWTClaimsSet claims = verified(r.path("access_token"), JWSAlgorithm.ES256);
        assertEquals(120, (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000);
    }

    @Test
    void wrongSecretGivesInvalidClientWithBasicChallenge() {
        Created client = TestClients.confidential().create(pool);
        Response r = basic(client.clientId(), client.secret().substring(1) + "0", "grant_type", "client_credentials");
        assertError(r, 401, "invalid_client");
        r.then().header("WWW-Authenticate", startsWith("Basic"));
    }

    @Test
    void wrongSecretWithPostGivesInvalidClientWithoutBasicChallenge() {
        Created client = TestClients.confidential().authMethod("client_secret_post").create(pool);
        Response r = form().formParam("grant_type", "client_credentials").formParam("client_id", client.clientId())
                .formParam("client_secret", "0".repeat(64)).post("/oauth/token");
        assertError(r, 401, "invalid_client");
        r.then().header("WWW-Authenticate", nullValue());
    }

    @Test
    void unknownClientGivesInvalidClient() {
        assertError(basic("f".repeat(32), "f".repeat(64), "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void pendingRejectedAndSuspendedClientsGetInvalidClient() {
        for (String status : List.of("pending", "rejected", "suspended")) {
            Created client = TestClients.confidential().status(status).create(pool);
            assertError(basic(client, "grant_type", "client_credentials"), 401, "invalid_client");
        }
    }

    @Test
    void requestWithoutClientAuthenticationGivesInvalidClient() {
        assertError(form().formParam("grant_type", "client_credentials").post("/oauth/token"), 401, "invalid_client");
    }

    @Test
    void malformedBasicHeaderGivesInvalidClient() {
        for (String header : List.of("Basic !!!notbase64", "Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))) {
            Response r = form().header("Authorization", header).formParam("grant_type", "client_credentials").post("/oauth/token");
            assertError(r, 401, "invalid_client");
            r.then().header("WWW-Authenticate", startsWith("Basic"));
        }
    }

    @Test
    void basicAndPostAtOnceGivesInvalidRequest() {
        Created client = TestClients.confidential().create(pool);
        Response r = form().auth().preemptive().basic(client.clientId(), client.secret())
                .formParam("grant_type", "client_credentials").formParam("client_secret", client.secret())
                .post("/oauth/token");
        assertError(r, 400, "invalid_request");
    }

    @Test
    void unsupportedGrantTypesGiveUnsupportedGrantType() {
        Created client = TestClients.confidential().create(pool);
        for (String grant : List.of("password", "implicit", "urn:ietf:params:oauth:grant-type:device_code", "bogus")) {
            assertError(basic(client, "grant_type", grant, "username", "u", "password", "p"), 400, "unsupported_grant_type");
        }
    }

    @Test
    void missingGrantTypeGivesInvalidRequest() {
        Created client = TestClients.confidential().create(pool);
        assertError(basic(client, "scope", "profile"), 400, "invalid_request");
    }

    @Test
    void parameterGivenTwiceGivesInvalidRequest() {
        Created client = TestClients.confidential().create(pool);
        Response r = form().auth().preemptive().basic(client.clientId(), client.secret())
                .formParam("grant_type", "client_credentials").formParam("scope", "profile").formParam("scope", "email")
                .post("/oauth/token");
        assertError(r, 400, "invalid_request");
    }

    @Test
    void scopeTheClientIsNotRegisteredForGivesInvalidScope() {
        Created client = TestClients.confidential().scope("profile").create(pool);
        assertError(basic(client, "grant_type", "client_credentials", "scope", "profile email"), 400, "invalid_scope");
        assertError(basic(client, "grant_type", "client_credentials", "scope", "admin"), 400, "invalid_scope");
    }

    @Test
    void ssfScopesAreGrantedOnlyToAClientRegisteredForThem() throws Exception {
        Created registered = TestClients.confidential().scope("ssf.manage ssf.read").create(pool);
        Response r = basic(registered, "grant_type", "client_credentials", "scope", "ssf.manage");
        r.then().statusCode(200).body("scope", equalTo("ssf.manage"));
        assertEquals("ssf.manage", verified(r.path("access_token"), JWSAlgorithm.RS256).getStringClaim("scope"));
        assertEquals(registered.clientId(), verified(r.path("access_token"), JWSAlgorithm.RS256).getSubject());

        Created other = TestClients.confidential().scope("profile").create(pool);
        assertError(basic(other, "grant_type", "client_credentials", "scope", "ssf.read"), 400, "invalid_scope");
    }

    @Test
    void clientNotRegisteredForClientCredentialsGivesUnauthorizedClient() {
        Created client = TestClients.confidential().grantTypes("authorization_code refresh_token").create(pool);
        assertError(basic(client, "grant_type", "client_credentials"), 400, "unauthorized_client");
    }

    @Test
    void publicClientCannotUseClientCredentials() {
        Created client = TestClients.publicClient().grantTypes("authorization_code client_credentials").create(pool);
        Response r = form().formParam("grant_type", "client_credentials").formParam("client_id", client.clientId()).post("/oauth/token");
        assertError(r, 400, "unauthorized_client");
    }

    @Test
    void jsonBodyGivesInvalidRequest() {
        Created client = TestClients.confidential().create(pool);
        Response r = given().contentType("application/json").auth().preemptive().basic(client.clientId(), client.secret())
                .body("{\"grant_type\":\"client_credentials\"}").post("/oauth/token");
        assertError(r, 400, "invalid_request");
    }

    @Test
    void bootstrapAdminClientGetsAnAdminToken() throws Exception {
        Response r = basic(TestClients.ADMIN_CLIENT_ID, adminSecret(), "grant_type", "client_credentials", "scope", "admin");
        r.then().statusCode(200).body("scope", equalTo("admin"));
        assertEquals("admin", verified(r.path("access_token"), JWSAlgorithm.RS256).getStringClaim("scope"));
    }

    @Test
    void rotatedSecretIsRefusedWithinOneSecond() {
        Created client = TestClients.confidential().create(pool);
        basic(client, "grant_type", "client_credentials").then().statusCode(200); // now cached
        String fresh = TestClients.rotate(pool, changes, client.clientId(), Duration.ZERO);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> basic(client, "grant_type", "client_credentials").statusCode() == 401);
        basic(client.clientId(), fresh, "grant_type", "client_credentials").then().statusCode(200);
    }

    @Test
    void suspensionIsSeenWithinOneSecond() {
        Created client = TestClients.confidential().create(pool);
        basic(client, "grant_type", "client_credentials").then().statusCode(200); // now cached
        TestClients.setStatus(pool, changes, client.clientId(), "suspended");
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> basic(client, "grant_type", "client_credentials").statusCode() == 401);
        assertError(basic(client, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void overlappingRotationAcceptsBothSecretsUntilTheWindowEnds() {
        Created client = TestClients.confidential().create(pool);
        String fresh = TestClients.rotate(pool, changes, client.clientId(), Duration.ofSeconds(2));
        basic(client, "grant_type", "client_credentials").then().statusCode(200);
        basic(client.clientId(), fresh, "grant_type", "client_credentials").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
                .until(() -> basic(client, "grant_type", "client_credentials").statusCode() == 401);
        basic(client.clientId(), fresh, "grant_type", "client_credentials").then().statusCode(200);
    }

    /** The bootstrap admin client's secret of the test profile. */
    private static String adminSecret() {
        return ConfigProvider.getConfig().getValue("keyfair.admin.client-secret", String.class);
    }
}
