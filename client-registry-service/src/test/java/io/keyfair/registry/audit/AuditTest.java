package io.keyfair.registry.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** `GET /admin/audit`: newest first, filtered, paged, every event with the contract's members. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AuditTest {

    @Inject
    TokenSigner signer;

    private Response get(String path) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get(path);
    }

    @Test
    void aClientsLifecycleReadsNewestFirstWithTheContractsMembers() {
        Registrations.Registered c = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "approve");
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "suspend");

        Response r = get("/admin/audit?client_id=" + c.id());
        r.then().statusCode(200).body("next", nullValue());
        JsonPath body = r.jsonPath();
        List<String> types = body.getList("events.type");
        assertEquals(List.of("client.suspended", "client.approved", "client.created"), types);
        Map<String, Object> newest = body.getMap("events[0]");
        for (String member : List.of("id", "time", "type", "client_id", "user_id", "actor", "detail")) {
            assertTrue(newest.containsKey(member), member);
        }
        assertEquals(c.id(), newest.get("client_id"));
        assertEquals("admin:" + TestClients.ADMIN_CLIENT_ID, newest.get("actor"));
        Instant.parse((String) newest.get("time"));
        assertFalse(r.asString().contains(c.secret()), "never a secret");

        get("/admin/audit?client_id=" + c.id() + "&type=client.approved").then().statusCode(200)
                .body("events", hasSize(1)).body("events[0].type", equalTo("client.approved"));
        get("/admin/audit?client_id=" + c.id() + "&since=2999-01-01T00:00:00Z").then().statusCode(200).body("events", hasSize(0));
    }

    @Test
    void pagesFollowTheirNextLinkWithoutRepeats() {
        Registrations.Registered c = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "approve");
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "suspend");
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "approve");

        List<String> ids = new ArrayList<>();
        String next = "/admin/audit?limit=3&client_id=" + c.id();
        while (next != null) {
            JsonPath page = get(next.replace(TestTokens.ISSUER, "")).then().statusCode(200)
                    .body("events.client_id", everyItem(equalTo(c.id()))).extract().jsonPath();
            ids.addAll(page.getList("events.id"));
            next = page.getString("next");
        }
        assertEquals(4, ids.size());
        assertEquals(4, ids.stream().distinct().count());
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(Long.parseLong(ids.get(i - 1)) > Long.parseLong(ids.get(i)), "newest first");
        }
    }

    @Test
    void badFiltersAreInvalidRequestAndTheLogNeedsAnAdminToken() {
        get("/admin/audit?since=yesterday").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/audit?cursor=-3").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/audit?limit=0").then().statusCode(400).body("error", equalTo("invalid_request"));
        given().when().get("/admin/audit").then().statusCode(401);
        given().auth().oauth2(TestTokens.admin().scope("profile").sign(signer)).when().get("/admin/audit").then().statusCode(403);
        get("/admin/audit?limit=1").then().statusCode(200).body("events", hasSize(1)).body("next", not(nullValue()));
    }
}
