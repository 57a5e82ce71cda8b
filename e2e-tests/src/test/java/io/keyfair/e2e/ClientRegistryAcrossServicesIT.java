package io.keyfair.e2e;

import static io.keyfair.e2e.Fixtures.admin;
import static io.keyfair.e2e.Fixtures.clientCredentials;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Fixtures.Client;

/**
 * The registry and token-service as an operator and an app see them: changes made through the
 * admin API take effect at the token endpoint at once.
 */
class ClientRegistryAcrossServicesIT {

    @BeforeAll
    static void stack() {
        Stack.ensureUp();
    }

    @Test
    void registeredApprovedClientGetsAJwtAccessToken() throws Exception {
        Client c = Fixtures.register(Fixtures.machineMetadata());
        clientCredentials(c.id(), c.secret()).then().statusCode(401).body("error", equalTo("invalid_client"));
        admin().post("/admin/clients/" + c.id() + "/approve").then().statusCode(200).body("status", equalTo("approved"));
        String token = clientCredentials(c.id(), c.secret(), "scope", "profile").then().statusCode(200)
                .body("token_type", equalTo("Bearer")).extract().path("access_token");
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertEquals(c.id(), jwt.getJWTClaimsSet().getSubject());
        assertEquals(Stack.ISSUER, jwt.getJWTClaimsSet().getIssuer());
    }

    @Test
    void rotatedSecretIsRefusedAtTheTokenEndpointWithinOneSecond() {
        Client c = Fixtures.approved(Fixtures.machineMetadata());
        clientCredentials(c.id(), c.secret()).then().statusCode(200);
        String fresh = admin().post("/admin/clients/" + c.id() + "/secret").then().statusCode(200).extract().path("client_secret");
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(c.id(), c.secret()).statusCode() == 401);
        clientCredentials(c.id(), fresh).then().statusCode(200);
    }

    @Test
    void suspensionStopsTheClientAndItsTokensWithinOneSecond() {
        Client c = Fixtures.approved(Fixtures.machineMetadata());
        String token = clientCredentials(c.id(), c.secret()).then().statusCode(200).extract().path("access_token");
        admin().post("/admin/clients/" + c.id() + "/suspend").then().statusCode(200).body("status", equalTo("suspended"));
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(c.id(), c.secret()).statusCode() == 401);
        given().auth().preemptive().basic(Stack.ADMIN_ID, Stack.ADMIN_SECRET).contentType("application/x-www-form-urlencoded")
                .formParam("token", token).post("/oauth/introspect").then().statusCode(200).body("active", equalTo(false));
        admin().post("/admin/clients/" + c.id() + "/approve").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(c.id(), c.secret()).statusCode() == 200);
    }

    @Test
    void overlappingRotationAcceptsBothSecretsUntilTheWindowEnds() {
        Client c = Fixtures.approved(Fixtures.machineMetadata());
        String fresh = admin().body(Map.of("previous_secret_ttl", 3)).post("/admin/clients/" + c.id() + "/secret")
                .then().statusCode(200).extract().path("client_secret");
        clientCredentials(c.id(), c.secret()).then().statusCode(200);
        clientCredentials(c.id(), fresh).then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
                .until(() -> clientCredentials(c.id(), c.secret()).statusCode() == 401);
        clientCredentials(c.id(), fresh).then().statusCode(200);
    }

    @Test
    void adminApiAcceptsOnlyAdminScopedTokensFromTokenService() {
        given().contentType("application/json").body("{}").post("/admin/clients").then().statusCode(401);
        Client app = Fixtures.approved(Fixtures.machineMetadata());
        String token = clientCredentials(app.id(), app.secret()).then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(token).get("/admin/clients").then().statusCode(403).body("error", equalTo("insufficient_scope"));
        clientCredentials(app.id(), app.secret(), "scope", "admin").then().statusCode(400).body("error", equalTo("invalid_scope"));
        admin().get("/admin/clients/" + app.id()).then().statusCode(200).body("client_id", equalTo(app.id()));
    }
}
