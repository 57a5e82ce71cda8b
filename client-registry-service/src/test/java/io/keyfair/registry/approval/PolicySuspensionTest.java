package io.keyfair.registry.approval;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.client.PolicySuspension;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * A client suspended by an abuse rule (common's {@link PolicySuspension}, which token-service
 * calls) as the admin API shows it: `status: suspended`, `suspended_reason` and
 * `suspended_by: "policy"`; `POST /admin/clients/{id}/approve` reinstates it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PolicySuspensionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    TokenSigner signer;
    @Inject
    PolicySuspension suspension;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisKeys keys;

    private Registered approved() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        Registrations.step(TestTokens.admin().sign(signer), client.id(), "approve");
        return client;
    }

    private ValidatableResponse get(String id) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id).then().statusCode(200);
    }

    private boolean suspendByPolicy(String id) {
        return suspension.suspend(id, "refresh_token_reuse", Map.of("reuse_count", 3)).await().atMost(WAIT);
    }

    @Test
    void policySuspensionShowsSuspendedByPolicyWithTheReason() throws Exception {
        Registered client = approved();
        assertTrue(suspendByPolicy(client.id()));
        get(client.id()).body("status", equalTo("suspended"))
                .body("suspended_by", equalTo("policy"))
                .body("suspended_reason", equalTo("refresh_token_reuse"));
        assertEquals(List.of("policy"), TestRows.auditActors("client.suspended", client.id()));
    }

    @Test
    void policySuspensionVoidsTheClientsTokensAtOnce() {
        Registered client = approved();
        long before = System.currentTimeMillis();
        suspendByPolicy(client.id());
        String revokedBefore = redis.execute("GET", keys.clientTokensRevokedBefore(client.id())).await().atMost(WAIT).toString();
        assertTrue(Long.parseLong(revokedBefore) >= before);
    }

    @Test
    void onlyAnApprovedClientIsSuspendedByPolicy() throws Exception {
        Registered pending = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());
        assertFalse(suspendByPolicy(pending.id()));
        get(pending.id()).body("status", equalTo("pending")).body("suspended_by", nullValue());
        Registered twice = approved();
        assertTrue(suspendByPolicy(twice.id()));
        assertFalse(suspendByPolicy(twice.id()));
        assertEquals(List.of("policy"), TestRows.auditActors("client.suspended", twice.id()));
    }

    @Test
    void approveReinstatesAClientSuspendedByPolicy() {
        Registered client = approved();
        suspendByPolicy(client.id());
        Registrations.step(TestTokens.admin().sign(signer), client.id(), "approve");
        get(client.id()).body("status", equalTo("approved"))
                .body("suspended_by", nullValue())
                .body("suspended_reason", nullValue());
    }

    @Test
    void adminSuspensionShowsSuspendedByAdminWithTheNote() {
        Registered client = approved();
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(Map.of("note", "Scraping listings"))
                .when().post("/admin/clients/" + client.id() + "/suspend").then().statusCode(200);
        get(client.id()).body("status", equalTo("suspended"))
                .body("suspended_by", equalTo("admin"))
                .body("suspended_reason", equalTo("Scraping listings"))
                .body("status_note", equalTo("Scraping listings"));
    }

    @Test
    void policySuspensionHasNoAdminsNote() {
        Registered client = approved();
        suspendByPolicy(client.id());
        get(client.id()).body("status_note", nullValue());
    }
}
