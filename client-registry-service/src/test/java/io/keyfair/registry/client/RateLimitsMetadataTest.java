package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.AdminClients;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * An admin's per-client request limits, `rate_limits` `{"client_credentials": N, "other": N}`
 * (CONTRACT "Errors, limits, bad input"): integers from 1 to 1,000,000,000, set on create and
 * PATCH, shown by GET, stored where token-service reads them; refused on dynamic registration.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RateLimitsMetadataTest {

    @Inject
    TokenSigner signer;

    @Inject
    AdminClients clients;

    private static long stored(String id, String column) throws Exception {
        return TestRows.count("select coalesce(" + column + ", 0) from clients where client_id = ?", id);
    }

    @Test
    void rateLimitsGivenOnCreateAreStoredAndShown() throws Exception {
        String id = clients.create(Registrations.with(Registrations.machine(), "rate_limits",
                Map.of("client_credentials", 3, "other", 1_000_000_000)))
                .statusCode(201)
                .body("rate_limits.client_credentials", equalTo(3))
                .body("rate_limits.other", equalTo(1_000_000_000))
                .extract().path("client_id");
        clients.get(id).body("rate_limits.client_credentials", equalTo(3)).body("rate_limits.other", equalTo(1_000_000_000));
        assertEquals(3, stored(id, "rate_limit_client_credentials"));
        assertEquals(1_000_000_000, stored(id, "rate_limit_other"));
    }

    @Test
    void clientWithoutRateLimitsShowsNone() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        clients.get(client.id()).body("rate_limits", nullValue());
    }

    @Test
    void patchSetsReplacesAndRemovesRateLimits() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        clients.patch(client.id(), Map.of("rate_limits", Map.of("client_credentials", 10))).statusCode(200)
                .body("rate_limits.client_credentials", equalTo(10)).body("rate_limits.other", nullValue());
        assertEquals(10, stored(client.id(), "rate_limit_client_credentials"));
        // RFC 7396: an object member replaces the stored one
        clients.patch(client.id(), Map.of("rate_limits", Map.of("other", 500))).statusCode(200)
                .body("rate_limits.client_credentials", nullValue()).body("rate_limits.other", equalTo(500));
        assertEquals(0, stored(client.id(), "rate_limit_client_credentials"));
        clients.patch(client.id(), "{\"rate_limits\": null}").statusCode(200).body("rate_limits", nullValue());
        assertEquals(0, stored(client.id(), "rate_limit_other"));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID, TestClients.ADMIN_CLIENT_ID, TestClients.ADMIN_CLIENT_ID),
                TestRows.auditActors("client.updated", client.id()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"client_credentials\": 0}",
            "{\"client_credentials\": -5}",
            "{\"other\": 1000000001}",
            "{\"other\": 99999999999}",
            "{\"other\": 1.5}",
            "{\"other\": \"60\"}",
            "{\"client_credentials\": null, \"burst\": 5}",
            "[60, 6000]",
            "60",
            "\"lots\""
    })
    void invalidRateLimitsGiveInvalidClientMetadataAndChangeNothing(String rateLimits) throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        String body = "{\"rate_limits\": " + rateLimits + "}";
        clients.patch(client.id(), body).statusCode(400).body("error", equalTo("invalid_client_metadata"));
        clients.get(client.id()).body("rate_limits", nullValue());
        String create = "{\"client_name\": \"Limited\", \"grant_types\": [\"client_credentials\"], \"scope\": \"openid\","
                + " \"rate_limits\": " + rateLimits + "}";
        long before = TestRows.count("select count(*) from clients");
        clients.create(create).statusCode(400).body("error", equalTo("invalid_client_metadata"));
        assertEquals(before, TestRows.count("select count(*) from clients"));
    }

    @Test
    void dynamicRegistrationCannotSetRateLimits() {
        String initial = given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(Map.of("expires_in", 600))
                .when().post("/admin/initial-access-tokens").then().statusCode(201).extract().path("token");
        given().auth().oauth2(initial).contentType(ContentType.JSON)
                .body(Registrations.with(Registrations.machine(), "rate_limits", Map.of("client_credentials", 1_000_000)))
                .when().post("/oauth/register")
                .then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
    }
}
