package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.AdminClients;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * `allowed_cors_origins` (exact browser origins, CONTRACT "Browser apps (CORS)") and
 * `id_token_scope_claims` (default true, CONTRACT "ID tokens"): set on create, PATCH and dynamic
 * registration, shown by GET, stored where token-service and userinfo-service read them.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class BrowserAppMetadataTest {

    @Inject
    TokenSigner signer;

    @Inject
    AdminClients clients;

    private static String storedOrigins(String id) throws Exception {
        return TestRows.text("select allowed_cors_origins from clients where client_id = ?", id);
    }

    @Test
    void originsGivenOnCreateAreStoredAndShown() throws Exception {
        List<String> origins = List.of("https://spa.example.com", "https://spa.example.com:8443", "http://localhost:5173",
                "http://127.0.0.1:3000", "http://[::1]:8080");
        String id = clients.create(Registrations.with(Registrations.publicClient(), "allowed_cors_origins", origins))
                .statusCode(201).body("allowed_cors_origins", equalTo(origins))
                .extract().path("client_id");
        clients.get(id).body("allowed_cors_origins", equalTo(origins));
        assertEquals(String.join(" ", origins), storedOrigins(id));
    }

    @Test
    void aClientWithoutOriginsShowsAnEmptyListAndScopeClaimsInItsIdTokens() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        clients.get(client.id()).body("allowed_cors_origins", equalTo(List.of())).body("id_token_scope_claims", equalTo(true));
    }

    @Test
    void patchReplacesAndClearsOrigins() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.publicClient());
        clients.patch(client.id(), Map.of("allowed_cors_origins", List.of("https://a.example"))).statusCode(200)
                .body("allowed_cors_origins", equalTo(List.of("https://a.example")));
        assertEquals("https://a.example", storedOrigins(client.id()));
        clients.patch(client.id(), "{\"allowed_cors_origins\": null}").statusCode(200).body("allowed_cors_origins", equalTo(List.of()));
        assertEquals("", storedOrigins(client.id()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"https://*.example.com\"",
            "\"*\"",
            "\"https://spa.example.com/\"",
            "\"https://spa.example.com/app\"",
            "\"https://spa.example.com?x=1\"",
            "\"https://spa.example.com#top\"",
            "\"http://spa.example.com\"",
            "\"ftp://spa.example.com\"",
            "\"https://SPA.example.com\"",
            "\"https://spa.example.com:443\"",
            "\"spa.example.com\"",
            "\"null\"",
            "\"\"",
            "42"
    })
    void anOriginThatIsNotExactGivesInvalidClientMetadataAndChangesNothing(String origin) throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.publicClient());
        clients.patch(client.id(), "{\"allowed_cors_origins\": [" + origin + "]}").statusCode(400)
                .header("Cache-Control", "no-store").body("error", equalTo("invalid_client_metadata"));
        clients.get(client.id()).body("allowed_cors_origins", equalTo(List.of()));
        long before = TestRows.count("select count(*) from clients");
        clients.create("{\"client_name\": \"Spa\", \"token_endpoint_auth_method\": \"none\", \"redirect_uris\": [\"https://spa.example.com/cb\"],"
                + " \"allowed_cors_origins\": [" + origin + "]}")
                .statusCode(400).body("error", equalTo("invalid_client_metadata"));
        assertEquals(before, TestRows.count("select count(*) from clients"));
    }

    @Test
    void idTokenScopeClaimsFalseIsStoredShownAndPatchedBack() throws Exception {
        String id = clients.create(Registrations.with(Registrations.confidential(), "id_token_scope_claims", false))
                .statusCode(201).body("id_token_scope_claims", equalTo(false)).extract().path("client_id");
        clients.get(id).body("id_token_scope_claims", equalTo(false));
        assertEquals(0, TestRows.count("select count(*) from clients where client_id = ? and id_token_scope_claims", id));
        clients.patch(id, Map.of("id_token_scope_claims", true)).statusCode(200).body("id_token_scope_claims", equalTo(true));
        assertEquals(1, TestRows.count("select count(*) from clients where client_id = ? and id_token_scope_claims", id));
    }

    @Test
    void idTokenScopeClaimsThatIsNotABooleanGivesInvalidClientMetadata() {
        clients.create(Registrations.with(Registrations.confidential(), "id_token_scope_claims", "no"))
                .statusCode(400).body("error", equalTo("invalid_client_metadata"));
    }

    @Test
    void dynamicRegistrationKeepsOriginsAndIdTokenScopeClaims() {
        String token = given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON)
                .body(Map.of("expires_in", 600)).when().post("/admin/initial-access-tokens")
                .then().statusCode(201).extract().path("token");
        Map<String, Object> metadata = Registrations.with(Registrations.with(Registrations.publicClient(),
                "allowed_cors_origins", List.of("https://spa.example.com")), "id_token_scope_claims", false);
        String id = given().auth().oauth2(token).contentType(ContentType.JSON).body(metadata).when().post("/oauth/register")
                .then().statusCode(201).body("allowed_cors_origins", equalTo(List.of("https://spa.example.com")))
                .extract().path("client_id");
        clients.get(id).body("allowed_cors_origins", equalTo(List.of("https://spa.example.com"))).body("id_token_scope_claims", equalTo(false));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Registrations.with(Registrations.publicClient(), "allowed_cors_origins", List.of("https://*.example.com")))
                .when().post("/oauth/register").then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
    }
}
