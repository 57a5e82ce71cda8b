package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

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
 * `require_pushed_authorization_requests` (RFC 9126 §6, CONTRACT "Client registry"): a boolean,
 * false unless set, on create, PATCH and dynamic registration, shown by GET, stored where
 * authorize-service reads it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PushedAuthorizationMetadataTest {

    private static final String MEMBER = "require_pushed_authorization_requests";

    @Inject
    TokenSigner signer;

    @Inject
    AdminClients clients;

    private static long stored(String id) throws Exception {
        return TestRows.count("select case when require_pushed_authorization_requests then 1 else 0 end from clients where client_id = ?", id);
    }

    @Test
    void clientsDoNotRequireParUnlessRegisteredSo() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        clients.get(client.id()).body(MEMBER, equalTo(false));
        assertEquals(0, stored(client.id()));
    }

    @Test
    void requireParGivenOnCreateIsStoredAndShown() throws Exception {
        String id = clients.create(Registrations.with(Registrations.confidential(), MEMBER, true))
                .statusCode(201).body(MEMBER, equalTo(true)).extract().path("client_id");
        clients.get(id).body(MEMBER, equalTo(true));
        assertEquals(1, stored(id));
    }

    @Test
    void patchTurnsRequireParOnAndOff() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        clients.patch(client.id(), Map.of(MEMBER, true)).statusCode(200).body(MEMBER, equalTo(true));
        assertEquals(1, stored(client.id()));
        clients.patch(client.id(), Map.of(MEMBER, false)).statusCode(200).body(MEMBER, equalTo(false));
        assertEquals(0, stored(client.id()));
    }

    @Test
    void requireParThatIsNotABooleanIsInvalidClientMetadataAndChangesNothing() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        clients.patch(client.id(), Map.of(MEMBER, "yes")).statusCode(400).body("error", equalTo("invalid_client_metadata"));
        clients.get(client.id()).body(MEMBER, equalTo(false));
        long before = TestRows.count("select count(*) from clients");
        clients.create(Registrations.with(Registrations.confidential(), MEMBER, 1)).statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        assertEquals(before, TestRows.count("select count(*) from clients"));
    }

    @Test
    void dynamicRegistrationMaySetRequirePar() throws Exception {
        String token = given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON)
                .body(Map.of("expires_in", 600)).when().post("/admin/initial-access-tokens")
                .then().statusCode(201).extract().path("token");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Registrations.with(Registrations.confidential(), MEMBER, true))
                .when().post("/oauth/register").then()
                .statusCode(201).body(MEMBER, equalTo(true)).extract().path("client_id");
        assertEquals(1, stored(id));
    }
}
