package io.keyfair.registry.connection;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** The connections admin API (CONTRACT.md, "Connections"): states from real data, paging, revocation. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ConnectionsTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    /** The username of each user {@link #connect} made. */
    private final Map<UUID, String> usernames = new HashMap<>();

    @Inject
    ConnectionMetrics metrics;

    private Response get(String path) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get(path);
    }

    private String approvedClient() {
        Registrations.Registered c = Registrations.register(TestTokens.admin().sign(signer),
                Registrations.with(Registrations.confidential(), "grant_types", List.of("authorization_code", "refresh_token")));
        Registrations.step(TestTokens.admin().sign(signer), c.id(), "approve");
        return c.id();
    }

    /** A connection as authorize- and token-service leave it: a consent and, optionally, one refresh family. */
    private UUID connect(String clientId, String lastUsed, String familyExpires, String familyRevokedReason) throws SQLException {
        TestUsers.Created created = TestUsers.user().create(pool);
        UUID user = UUID.fromString(created.id());
        usernames.put(user, created.username());
        TestRows.execute("insert into consents (user_id, client_id, scope, first_granted_at, last_used_at) "
                + "values (?, ?, 'openid profile', now() - interval '30 days', now() - (?::text)::interval)", user, clientId, lastUsed);
        if (familyExpires != null) {
            TestRows.execute("insert into refresh_families (id, grant_id, client_id, user_id, scope, auth_time, last_used_at, "
                    + "expires_at, revoked_at, revoked_reason) values (?, ?, ?, ?, 'openid profile', 0, now() - (?::text)::interval, "
                    + "now() + (?::text)::interval, case when ?::text is null then null else now() end, ?)",
                    UUID.randomUUID(), "g-" + UUID.randomUUID(), clientId, user, lastUsed, familyExpires, familyRevokedReason,
                    familyRevokedReason);
        }
        return user;
    }

    private static String stateOf(JsonPath body, UUID user) {
        return body.getString("connections.find { it.user_id == '" + user + "' }.state");
    }

    @Test
    void eachConnectionShowsTheStateItsDataGives() throws SQLException {
        String client = approvedClient();
        UUID active = connect(client, "1 hour", "30 days", null);
        UUID idle = connect(client, "10 days", "20 days", null);
        UUID expired = connect(client, "40 days", "-1 day", null);
        UUID reused = connect(client, "1 hour", "30 days", "reuse");
        UUID removed = connect(client, "1 hour", "30 days", null);
        TestRows.execute("update consents set revoked_at = now() where user_id = ?", removed);

        Response r = get("/admin/clients/" + client + "/connections");
        r.then().statusCode(200).body("connections", hasSize(5)).body("next", nullValue());
        JsonPath body = r.jsonPath();
        assertEquals("active", stateOf(body, active));
        assertEquals("idle", stateOf(body, idle));
        assertEquals("reauth_required", stateOf(body, expired));
        assertEquals("reauth_required", stateOf(body, reused));
        assertEquals("revoked", stateOf(body, removed));

        Map<String, Object> entry = body.getMap("connections.find { it.user_id == '" + active + "' }");
        assertEquals(usernames.get(active), entry.get("username"));
        assertEquals("openid profile", entry.get("scope"));
        for (String time : List.of("first_granted_at", "last_used_at", "refresh_expires_at")) {
            assertNotNull(Instant.parse((String) entry.get(time)), time + " is ISO 8601 UTC");
            assertTrue(((String) entry.get(time)).endsWith("Z"), time);
        }
        assertEquals(null, body.getMap("connections.find { it.user_id == '" + expired + "' }").get("refresh_expires_at"));

        get("/admin/clients/" + client + "/connections?state=idle").then().statusCode(200)
                .body("connections", hasSize(1)).body("connections[0].user_id", equalTo(idle.toString()));
    }

    @Test
    void aSuspendedClientsConnectionsAreSuspended() throws SQLException {
        String client = approvedClient();
        UUID user = connect(client, "1 hour", "30 days", null);
        Registrations.step(TestTokens.admin().sign(signer), client, "suspend");
        get("/admin/clients/" + client + "/connections").then().statusCode(200)
                .body("connections[0].user_id", equalTo(user.toString())).body("connections[0].state", equalTo("suspended"));
    }

    @Test
    void listsArePagedByCursorWithoutGapsOrRepeats() throws SQLException {
        String client = approvedClient();
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            made.add(connect(client, "1 hour", "30 days", null).toString());
        }
        Set<String> seen = new HashSet<>();
        String next = "/admin/clients/" + client + "/connections?limit=2";
        int pages = 0;
        while (next != null) {
            JsonPath page = get(next.replace(TestTokens.ISSUER, "")).then().statusCode(200).extract().jsonPath();
            List<String> users = page.getList("connections.user_id");
            assertTrue(users.size() <= 2);
            for (String u : users) {
                assertTrue(seen.add(u), "no repeats: " + u);
            }
            next = page.getString("next");
            if (next != null) {
                assertTrue(next.startsWith(TestTokens.ISSUER + "/admin/clients/" + client + "/connections?"), next);
            }
            pages++;
        }
        assertEquals(made, seen);
        assertEquals(3, pages);
    }

    @Test
    void badQueriesAreInvalidRequestAndUnknownClientsNotFound() {
        String client = approvedClient();
        get("/admin/clients/" + client + "/connections?state=sleeping").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/clients/" + client + "/connections?limit=501").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/clients/" + client + "/connections?cursor=x").then().statusCode(400).body("error", equalTo("invalid_request"));
        get("/admin/clients/" + "f".repeat(32) + "/connections").then().statusCode(404);
        given().when().get("/admin/clients/" + client + "/connections").then().statusCode(401);
    }

    @Test
    void anAdminRevokesOneConnectionAsIfTheUserRemovedTheApp() throws SQLException {
        String client = approvedClient();
        UUID user = connect(client, "1 hour", "30 days", null);
        UUID other = connect(client, "1 hour", "30 days", null);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + client + "/connections/" + user)
                .then().statusCode(204);

        assertEquals(1, TestRows.count("select count(*) from consents where user_id = ? and revoked_at is not null", user));
        assertEquals(0, TestRows.count("select count(*) from refresh_families where user_id = ? and revoked_at is null", user));
        assertEquals(1, TestRows.count("select count(*) from revocations where kind = 'user_client' and subject = ?", client + ":" + user));
        assertEquals(1, TestRows.count("select count(*) from refresh_families where user_id = ? and revoked_at is null", other));
        assertEquals(List.of("admin:" + TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("connection.revoked", client));
        JsonPath body = get("/admin/clients/" + client + "/connections").jsonPath();
        assertEquals("revoked", stateOf(body, user));
        assertEquals("active", stateOf(body, other));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + client + "/connections/" + UUID.randomUUID())
                .then().statusCode(404);
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + client + "/connections/not-a-user")
                .then().statusCode(404);
    }

    @Test
    void anAdminRevokesEveryConnectionOfAClient() throws SQLException {
        String client = approvedClient();
        connect(client, "1 hour", "30 days", null);
        connect(client, "10 days", "20 days", null);
        UUID gone = connect(client, "1 hour", "30 days", "connection_revoked");
        TestRows.execute("update consents set revoked_at = now() where user_id = ?", gone);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/" + client + "/connections/revoke")
                .then().statusCode(200).body("revoked", equalTo(2));

        assertEquals(0, TestRows.count("select count(*) from consents where client_id = ? and revoked_at is null", client));
        assertEquals(0, TestRows.count("select count(*) from refresh_families where client_id = ? and revoked_at is null", client));
        get("/admin/clients/" + client + "/connections?state=revoked").then().body("connections", hasSize(3));
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/" + client + "/connections/revoke")
                .then().statusCode(200).body("revoked", equalTo(0));
    }

    @Test
    void prometheusCountsConnectionsByStateWithoutPerClientLabels() throws SQLException {
        String client = approvedClient();
        connect(client, "1 hour", "30 days", null);
        metrics.refreshNow().await().atMost(java.time.Duration.ofSeconds(10));
        long before = gauge("active");
        connect(client, "1 hour", "30 days", null);
        metrics.refreshNow().await().atMost(java.time.Duration.ofSeconds(10));

        assertEquals(before + 1, gauge("active"));
        String scrape = given().when().get("/q/metrics").asString();
        for (String state : List.of("active", "idle", "reauth_required", "revoked", "suspended")) {
            assertTrue(scrape.contains("keyfair_connections{state=\"" + state + "\"}"), state);
        }
        assertTrue(scrape.lines().filter(l -> l.startsWith("keyfair_connections{")).noneMatch(l -> l.contains("client")),
                "no per-client labels");
    }

    private static long gauge(String state) {
        String prefix = "keyfair_connections{state=\"" + state + "\"} ";
        return given().when().get("/q/metrics").asString().lines().filter(l -> l.startsWith(prefix))
                .map(l -> (long) Double.parseDouble(l.substring(prefix.length()).trim())).findFirst().orElseThrow();
    }
}
