package io.keyfair.registry.ssf;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** `GET /admin/clients/{id}/events`: an app's security events and their delivery, newest first, paged. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class DeliveriesTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private Response get(String path) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get(path);
    }

    /** An outbox row as the emitter and the deliverer leave it; returns its jti. */
    private static String event(String clientId, String status, int attempts, String lastError) throws SQLException {
        String jti = "j" + java.util.UUID.randomUUID().toString().replace("-", "");
        TestRows.execute("insert into security_events (jti, txn, client_id, event_type, stream_id, event, set_jwt, status, attempts,"
                + " last_error, delivered_at) values (?, 't', ?, ?, 's', '{\"state\":\"x\"}'::jsonb, 'eyJhbGciOi.SECRET.SET', ?, ?, ?,"
                + " case when ? = 'delivered' then now() else null end)",
                jti, clientId, SecurityEvents.VERIFICATION, status, attempts, lastError, status);
        return jti;
    }

    @Test
    void listsTheDeliveriesNewestFirstWithoutTheSetItself() throws SQLException {
        String app = TestClients.confidential().create(pool).clientId();
        String delivered = event(app, "delivered", 1, null);
        String failed = event(app, "failed", 12, "HTTP 500");
        String pending = event(app, "pending", 2, "timeout");

        Response r = get("/admin/clients/" + app + "/events");
        r.then().statusCode(200)
                .body("events.jti", contains(pending, failed, delivered))
                .body("events.type", everyItem(equalTo(SecurityEvents.VERIFICATION)))
                .body("events[0].status", equalTo("pending"))
                .body("events[0].attempts", equalTo(2))
                .body("events[0].last_error", equalTo("timeout"))
                .body("events[0].next_attempt_at", org.hamcrest.Matchers.endsWith("Z"))
                .body("events[0].delivered_at", nullValue())
                .body("events[1].last_error", equalTo("HTTP 500"))
                .body("events[1].next_attempt_at", nullValue())
                .body("events[2].delivered_at", org.hamcrest.Matchers.endsWith("Z"))
                .body("events[2].created_at", org.hamcrest.Matchers.endsWith("Z"))
                .body("next", nullValue())
                .body(not(containsString("SECRET")));
    }

    @Test
    void filtersByStatus() throws SQLException {
        String app = TestClients.confidential().create(pool).clientId();
        event(app, "delivered", 1, null);
        String failed = event(app, "failed", 12, "HTTP 500");
        event(app, "pending", 0, null);
        get("/admin/clients/" + app + "/events?status=failed").then().statusCode(200)
                .body("events", hasSize(1)).body("events[0].jti", equalTo(failed));
    }

    @Test
    void pagesByCursorWithoutGapsOrRepeatsKeepingTheFilter() throws SQLException {
        String app = TestClients.confidential().create(pool).clientId();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(0, event(app, "pending", 0, null));
        }
        event(app, "delivered", 1, null);
        List<String> seen = new ArrayList<>();
        String next = "/admin/clients/" + app + "/events?status=pending&limit=2";
        int pages = 0;
        while (next != null) {
            JsonPath page = get(next.replace(TestTokens.ISSUER, "")).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("events.jti"));
            next = page.getString("next");
            pages++;
        }
        assertEquals(made, seen);
        assertEquals(3, pages);
    }

    @Test
    void anUnknownClientIs404AndABadStatusOrCursorIs400() {
        get("/admin/clients/" + "0".repeat(32) + "/events").then().statusCode(404).body("error", equalTo("not_found"));
        String app = TestClients.confidential().create(pool).clientId();
        get("/admin/clients/" + app + "/events?status=lost").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/clients/" + app + "/events?cursor=abc").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/clients/" + app + "/events?limit=501").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void onlyAnAdminMayListThem() {
        String app = TestClients.confidential().scope("ssf.manage").create(pool).clientId();
        given().auth().oauth2(TestTokens.forClient(app).scope("ssf.manage").sign(signer)).get("/admin/clients/" + app + "/events")
                .then().statusCode(403).body("error", equalTo("insufficient_scope"));
    }
}
