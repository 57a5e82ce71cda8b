package io.keyfair.registry.approval;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.common.token.VerifiedAccessToken;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.TestRows;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ApprovalTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    RevocationList revocations;

    private ValidatableResponse step(String id, String step) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/" + id + "/" + step).then();
    }

    private ValidatableResponse step(String id, String step, Map<String, ?> body) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().post("/admin/clients/" + id + "/" + step).then();
    }

    private String status(String id) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id)
                .then().statusCode(200).extract().path("status");
    }

    /** An access token of the client, issued a few seconds ago, as the token endpoint would. */
    private static VerifiedAccessToken tokenOf(String clientId, long issuedSecondsAgo) {
        long now = System.currentTimeMillis() / 1000;
        return new VerifiedAccessToken(UUID.randomUUID().toString(), clientId, clientId, Set.of("openid"),
                now - issuedSecondsAgo, now + 3600, null, TestTokens.ISSUER);
    }

    @Test
    void approvingAPendingClientMakesItApprovedAndAuditsTheNote() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "approve", Map.of("note", "Reviewed by trust and safety"))
                .statusCode(200)
                .body("status", equalTo("approved"))
                .body("status_note", nullValue());

        assertEquals("approved", status(client.id()));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.approved", client.id()));
        assertEquals(1, TestRows.count("select count(*) from audit_events where type = 'client.approved' and client_id = ?"
                + " and detail ->> 'reason' = 'Reviewed by trust and safety'", client.id()));
    }

    @Test
    void approveWorksWithoutABodyOrContentType() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "approve").statusCode(200).body("status", equalTo("approved")).body("status_note", nullValue());
    }

    @Test
    void rejectingAPendingClientMakesItRejectedWithTheNoteAsStatusNote() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "reject", Map.of("note", "No privacy policy")).statusCode(200)
                .body("status", equalTo("rejected"))
                .body("status_note", equalTo("No privacy policy"))
                .body("suspended_by", nullValue());

        assertEquals("rejected", status(client.id()));
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).body("status_note", equalTo("No privacy policy"));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.rejected", client.id()));
    }

    @Test
    void reasonIsStillReadAsTheNoteWhenThereIsNoNote() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "reject", Map.of("reason", "No privacy policy")).statusCode(200)
                .body("status_note", equalTo("No privacy policy"));
    }

    @Test
    void theNoteWinsOverReason() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "reject", Map.of("note", "Missing terms", "reason", "older")).statusCode(200)
                .body("status_note", equalTo("Missing terms"));
    }

    @Test
    void aRejectedClientCanStillBeApproved() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        step(client.id(), "reject").statusCode(200);

        step(client.id(), "approve").statusCode(200).body("status", equalTo("approved"));
        assertEquals("approved", status(client.id()));
    }

    @Test
    void suspendingVoidsEveryAccessTokenOfTheClientAtOnceAndTellsEveryCache() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        step(client.id(), "approve").statusCode(200);
        VerifiedAccessToken issuedBefore = tokenOf(client.id(), 5);
        assertFalse(revocations.isRevoked(issuedBefore).await().atMost(Duration.ofSeconds(5)));
        List<String> published = new CopyOnWriteArrayList<>();
        var subscriber = redis.pubsub(String.class).subscribe(keys.clientChangesChannel(), published::add)
                .await().atMost(Duration.ofSeconds(5));
        try {
            long before = System.currentTimeMillis();
            step(client.id(), "suspend", Map.of("note", "Scraping")).statusCode(200)
                    .body("status", equalTo("suspended"))
                    .body("status_note", equalTo("Scraping"))
                    .body("suspended_by", equalTo("admin"))
                    .body("suspended_reason", equalTo("Scraping"));

            String cutoff = redis.value(String.class).get(keys.clientTokensRevokedBefore(client.id()))
                    .await().atMost(Duration.ofSeconds(5));
            assertNotNull(cutoff);
            assertTrue(Long.parseLong(cutoff) >= before);
            assertTrue(revocations.isRevoked(issuedBefore).await().atMost(Duration.ofSeconds(5)));
            Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> published.contains(client.id()));
        } finally {
            subscriber.unsubscribe().await().atMost(Duration.ofSeconds(5));
        }
        assertEquals("suspended", status(client.id()));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.suspended", client.id()));
    }

    @Test
    void approvingASuspendedClientReinstatesIt() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        step(client.id(), "approve").statusCode(200);
        step(client.id(), "suspend", Map.of("note", "Scraping")).statusCode(200);

        step(client.id(), "approve", Map.of("note", "Appeal accepted")).statusCode(200)
                .body("status", equalTo("approved"))
                .body("status_note", nullValue())
                .body("suspended_by", nullValue())
                .body("suspended_reason", nullValue());
        assertEquals("approved", status(client.id()));
    }

    @Test
    void stepsTheStatusDoesNotAllowAreAConflictAndChangeNothing() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        step(client.id(), "approve").statusCode(200);

        step(client.id(), "reject").statusCode(409).body("error", equalTo("conflict"));
        assertEquals("approved", status(client.id()));
        step(client.id(), "suspend").statusCode(200);
        assertEquals("suspended", status(client.id()));
    }

    @Test
    void repeatingAStepIsANoOpThatAnswersTheClient() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        step(client.id(), "approve").statusCode(200);
        long audited = TestRows.count("select count(*) from audit_events where type = 'client.approved' and client_id = ?", client.id());

        step(client.id(), "approve").statusCode(200).body("status", equalTo("approved"));
        assertEquals("approved", status(client.id()));
        assertEquals(audited, TestRows.count("select count(*) from audit_events where type = 'client.approved' and client_id = ?", client.id()),
                "a repeated step records nothing new");

        step(client.id(), "suspend").statusCode(200);
        step(client.id(), "suspend").statusCode(200).body("status", equalTo("suspended"));
        assertEquals("suspended", status(client.id()));
    }

    @Test
    void aBadNoteIsAnInvalidRequestAndChangesNothing() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        step(client.id(), "reject", Map.of("note", List.of("x"))).statusCode(400).body("error", equalTo("invalid_request"));
        step(client.id(), "reject", Map.of("note", "n".repeat(2001))).statusCode(400).body("error", equalTo("invalid_request"));

        step(client.id(), "approve", Map.of("reason", 42)).statusCode(400).body("error", equalTo("invalid_request"));
        step(client.id(), "approve", Map.of("reason", "nul\u0000")).statusCode(400).body("error", equalTo("invalid_request"));
        step(client.id(), "approve", Map.of("reason", "r".repeat(2001))).statusCode(400).body("error", equalTo("invalid_request"));
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body("{\"reason\":")
                .when().post("/admin/clients/" + client.id() + "/approve")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        assertEquals("pending", status(client.id()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "approve", "reject", "suspend" })
    void stepsOnAnUnknownClientAreNotFound(String step) {
        step("ffffffffffffffffffffffffffffffff", step).statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void deletingAClientRemovesItWithItsSecretsAndVoidsItsTokens() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        step(client.id(), "approve").statusCode(200);
        VerifiedAccessToken issuedBefore = tokenOf(client.id(), 5);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + client.id())
                .then().statusCode(204);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(404).body("error", equalTo("not_found"));
        assertEquals(0, TestRows.secrets(client.id()).size());
        assertTrue(revocations.isRevoked(issuedBefore).await().atMost(Duration.ofSeconds(5)));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.deleted", client.id()));
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + client.id())
                .then().statusCode(404).body("error", equalTo("not_found"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "reject", "suspend" })
    void theBootstrapAdminClientCannotBeDisabled(String step) throws Exception {
        TestClients.ensureBootstrapAdmin(pool);

        step(TestClients.ADMIN_CLIENT_ID, step).statusCode(400).body("error", equalTo("invalid_request"));

        assertEquals("approved", status(TestClients.ADMIN_CLIENT_ID));
        assertEquals(null, redis.value(String.class).get(keys.clientTokensRevokedBefore(TestClients.ADMIN_CLIENT_ID))
                .await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void theBootstrapAdminClientCannotBeDeleted() throws Exception {
        TestClients.ensureBootstrapAdmin(pool);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().delete("/admin/clients/" + TestClients.ADMIN_CLIENT_ID)
                .then().statusCode(400).body("error", equalTo("invalid_request"));

        assertEquals("approved", status(TestClients.ADMIN_CLIENT_ID));
    }
}
