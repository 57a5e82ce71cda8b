package io.keyfair.registry.secret;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.TestRows;
import io.keyfair.registry.TestRows.SecretRow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SecretRotationTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private ExtractableResponse<Response> rotate(String id, Object body) {
        var request = given().auth().oauth2(TestTokens.admin().sign(signer));
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.when().post("/admin/clients/" + id + "/secret").then().extract();
    }

    @Test
    void rotationWithoutOverlapRetiresTheOldSecretAtOnceAndStoresOnlyTheNewHash() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        ExtractableResponse<Response> rotated = rotate(client.id(), null);

        assertEquals(200, rotated.statusCode());
        assertEquals("no-store", rotated.header("Cache-Control"));
        assertEquals(client.id(), rotated.path("client_id"));
        String secret = rotated.path("client_secret");
        assertThat(secret, matchesPattern("^[0-9a-f]{64}$"));
        rotated.response().then().body("$", not(hasKey("previous_secret_expires_at")));

        List<SecretRow> stored = TestRows.secrets(client.id());
        assertEquals(1, stored.size());
        assertArrayEquals(Secrets.sha256(secret), stored.get(0).hash());
        assertNull(stored.get(0).expiresAt());
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.secret_rotated", client.id()));
        assertEquals(0, TestRows.count("select count(*) from audit_events where client_id = ? and detail::text like ?",
                client.id(), "%" + secret + "%"));
    }

    @Test
    void previousSecretTtlKeepsTheOldSecretWorkingForThatLong() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        long before = Instant.now().getEpochSecond();

        ExtractableResponse<Response> rotated = rotate(client.id(), Map.of("previous_secret_ttl", 3600));

        assertEquals(200, rotated.statusCode());
        long previousExpiresAt = ((Number) rotated.path("previous_secret_expires_at")).longValue();
        assertTrue(previousExpiresAt >= before + 3600 && previousExpiresAt <= Instant.now().getEpochSecond() + 3600);
        List<SecretRow> stored = TestRows.secrets(client.id());
        assertEquals(2, stored.size());
        assertArrayEquals(Secrets.sha256(client.secret()), stored.get(0).hash());
        assertEquals(previousExpiresAt, stored.get(0).expiresAt().getEpochSecond());
        assertArrayEquals(Secrets.sha256(rotated.path("client_secret")), stored.get(1).hash());
        assertNull(stored.get(1).expiresAt());
    }

    @Test
    void anotherRotationRemovesTheOlderOverlappingSecret() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        String second = rotate(client.id(), Map.of("previous_secret_ttl", 600)).path("client_secret");

        String third = rotate(client.id(), Map.of("previous_secret_ttl", 60)).path("client_secret");

        List<SecretRow> stored = TestRows.secrets(client.id());
        assertEquals(2, stored.size());
        assertArrayEquals(Secrets.sha256(second), stored.get(0).hash());
        assertTrue(stored.get(0).expiresAt().isBefore(Instant.now().plusSeconds(61)));
        assertArrayEquals(Secrets.sha256(third), stored.get(1).hash());
        assertNull(stored.get(1).expiresAt());
    }

    @Test
    void aPublicClientHasNoSecretToRotate() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.publicClient());

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/" + client.id() + "/secret")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        assertEquals(0, TestRows.secrets(client.id()).size());
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"previous_secret_ttl\": -1}", "{\"previous_secret_ttl\": 2592001}",
            "{\"previous_secret_ttl\": \"60\"}", "{\"previous_secret_ttl\": 1.5}", "[]", "{" })
    void aBadPreviousSecretTtlIsAnInvalidRequestAndKeepsTheSecret(String body) throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().post("/admin/clients/" + client.id() + "/secret")
                .then().statusCode(400).body("error", equalTo("invalid_request"));

        List<SecretRow> stored = TestRows.secrets(client.id());
        assertEquals(1, stored.size());
        assertArrayEquals(Secrets.sha256(client.secret()), stored.get(0).hash());
    }

    @Test
    void rotatingAnUnknownClientIsNotFound() {
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/ffffffffffffffffffffffffffffffff/secret")
                .then().statusCode(404).body("error", equalTo("not_found"));
    }

    @Test
    void theBootstrapAdminClientSecretComesFromItsConfiguration() throws Exception {
        TestClients.ensureBootstrapAdmin(pool);
        long before = TestRows.count("select count(*) from client_secrets where client_id = ?", TestClients.ADMIN_CLIENT_ID);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().post("/admin/clients/" + TestClients.ADMIN_CLIENT_ID + "/secret")
                .then().statusCode(400).body("error", equalTo("invalid_request"));

        assertEquals(before, TestRows.count("select count(*) from client_secrets where client_id = ?", TestClients.ADMIN_CLIENT_ID));
    }
}
