package io.keyfair.registry.scope;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ScopesTest {

    private static final String PREFIX = "registry-test:";

    @Inject
    TokenSigner signer;

    private ValidatableResponse save(Object body) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().post("/admin/scopes").then();
    }

    private static String newName() {
        return PREFIX + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Test scopes would otherwise show in every service's catalog (discovery's scopes_supported). */
    @AfterAll
    static void removeTestScopes() throws Exception {
        TestRows.execute("delete from scopes where name like ?", PREFIX + "%");
    }

    @Test
    void theCatalogStartsWithTheStandardScopesAndAdminAndSsfAreRestricted() {
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/scopes")
                .then().statusCode(200)
                .body("name", hasItems("openid", "profile", "email", "seller", "roles", "offline_access", "admin", "ssf.manage",
                        "ssf.read"))
                .body("find { it.name == 'admin' }.restricted", equalTo(true))
                .body("find { it.name == 'ssf.manage' }.restricted", equalTo(true))
                .body("find { it.name == 'ssf.read' }.restricted", equalTo(true))
                .body("find { it.name == 'openid' }.restricted", equalTo(false))
                .body("find { it.name == 'email' }.description", equalTo("Your email address and whether it is verified"));
    }

    @Test
    void aNewScopeIsCreatedListedAndUsableAtOnce() throws Exception {
        String name = newName();

        save(Map.of("name", name, "description", "Read and write your listings"))
                .statusCode(201)
                .body("name", equalTo(name))
                .body("description", equalTo("Read and write your listings"))
                .body("restricted", equalTo(false));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/scopes")
                .then().statusCode(200)
                .body("find { it.name == '" + name + "' }.description", equalTo("Read and write your listings"));
        Registrations.register(TestTokens.admin().sign(signer), Registrations.with(Registrations.confidential(), "scope", "openid " + name));
        assertEquals(1, TestRows.count("select count(*) from audit_events where type = 'scope.created' "
                + "and detail->>'name' = ? and actor = ?", name, TestClients.ADMIN_CLIENT_ID));
    }

    @Test
    void savingAnExistingScopeUpdatesItsDescriptionWith200() {
        String name = newName();
        save(Map.of("name", name, "description", "First text")).statusCode(201);

        save(Map.of("name", name, "description", "  Second text  "))
                .statusCode(200)
                .body("description", equalTo("Second text"));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/scopes")
                .then().statusCode(200)
                .body("findAll { it.name == '" + name + "' }.size()", equalTo(1))
                .body("find { it.name == '" + name + "' }.description", equalTo("Second text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"description\": \"no name\"}",
            "{\"name\": \"\", \"description\": \"empty name\"}",
            "{\"name\": \"two words\", \"description\": \"a space\"}",
            "{\"name\": \"quote\\\"d\", \"description\": \"a quote\"}",
            "{\"name\": \"back\\\\slash\", \"description\": \"a backslash\"}",
            "{\"name\": \"caf\u00e9\", \"description\": \"not ASCII\"}",
            "{\"name\": 42, \"description\": \"a number\"}",
            "{\"name\": \"ok_name\"}",
            "{\"name\": \"ok_name\", \"description\": \"   \"}",
            "{\"name\": \"ok_name\", \"description\": 7}",
            "{\"name\": \"ok_name\", \"description\": \"two\\nlines\"}",
            "{\"name\": \"ok_name\", \"description\": \"nul\\u0000\"}",
            "[\"ok_name\"]" })
    void anInvalidScopeIsAnInvalidRequest(String body) {
        save(body).statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void tooLongNamesAndDescriptionsAreRefusedAndNotStored() throws Exception {
        String longName = "n".repeat(65);
        save(Map.of("name", longName, "description", "Too long a name")).statusCode(400).body("error", equalTo("invalid_request"));
        String name = newName();
        save(Map.of("name", name, "description", "d".repeat(501))).statusCode(400).body("error", equalTo("invalid_request"));

        assertEquals(0, TestRows.count("select count(*) from scopes where name in (?, ?)", longName, name));
    }
}
