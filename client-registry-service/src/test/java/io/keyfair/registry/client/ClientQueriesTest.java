package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.Registrations.Registered;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientQueriesTest {

    @Inject
    TokenSigner signer;

    @Test
    void theSecretNeverAppearsInAClientOrTheList() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        String one = given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).extract().asString();
        String list = given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("status", "pending").when().get("/admin/clients")
                .then().statusCode(200).body("client_id", hasItem(client.id())).extract().asString();

        for (String body : List.of(one, list)) {
            assertFalse(body.contains(client.secret()));
            assertFalse(body.contains("client_secret\""));
            assertFalse(body.contains("secret_hash"));
        }
    }

    @Test
    void statusFilterListsOnlyClientsOfThatStatusNewestFirst() {
        Registered older = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registered pending = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registered newer = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registrations.step(TestTokens.admin().sign(signer), older.id(), "approve");
        Registrations.step(TestTokens.admin().sign(signer), newer.id(), "approve");

        List<String> approved = given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("status", "approved").queryParam("limit", 500)
                .when().get("/admin/clients")
                .then().statusCode(200)
                .body("status", everyItem(equalTo("approved")))
                .body("client_id", not(hasItem(pending.id())))
                .extract().path("client_id");
        assertEquals(true, approved.indexOf(newer.id()) >= 0 && approved.indexOf(newer.id()) < approved.indexOf(older.id()));

        given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("status", "pending").when().get("/admin/clients")
                .then().statusCode(200)
                .body("status", everyItem(equalTo("pending")))
                .body("client_id", hasItem(pending.id()))
                .body("client_id", not(hasItem(newer.id())));
    }

    @Test
    void limitAndOffsetPageThroughTheList() {
        Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        List<String> firstTwo = given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("limit", 2).when().get("/admin/clients")
                .then().statusCode(200).body("$", hasSize(2)).extract().path("client_id");
        given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("limit", 1).queryParam("offset", 1).when().get("/admin/clients")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].client_id", equalTo(firstTwo.get(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "status=active", "status=PENDING", "limit=0", "limit=501", "limit=ten", "offset=-1" })
    void badListParametersAreAnInvalidRequest(String query) {
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients?" + query)
                .then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void unknownClientIsNotFound() {
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/ffffffffffffffffffffffffffffffff")
                .then().statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "%00", "a%20b", "x%27%3B--", "%E2%82%AC", "0123456789abcdef0123456789abcdef0" })
    void aClientIdThatCannotExistIsNotFoundWithoutLeakingInternals(String id) {
        given().auth().oauth2(TestTokens.admin().sign(signer)).urlEncodingEnabled(false).when().get("/admin/clients/" + id)
                .then().statusCode(404)
                .body("error", equalTo("not_found"))
                .body(not(containsString("Exception")));
        given().auth().oauth2(TestTokens.admin().sign(signer)).urlEncodingEnabled(false).when().post("/admin/clients/" + id + "/suspend")
                .then().statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void listEntriesHaveTheSameShapeAsASingleClient() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Map<String, Object> one = given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).extract().as(Map.class);
        List<Map<String, Object>> list = given().auth().oauth2(TestTokens.admin().sign(signer)).queryParam("status", "pending")
                .when().get("/admin/clients").then().statusCode(200).extract().path("$");
        assertEquals(one, list.stream().filter(c -> client.id().equals(c.get("client_id"))).findFirst().orElseThrow());
    }
}
