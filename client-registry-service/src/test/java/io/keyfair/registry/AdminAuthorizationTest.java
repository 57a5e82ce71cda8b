package io.keyfair.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jose.jwk.JWK;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every admin path answers RFC 6750 §3.1 errors to a caller without a valid `admin` token. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AdminAuthorizationTest {

    @Inject
    TokenSigner signer;

    @ParameterizedTest
    @ValueSource(strings = { "/admin/clients", "/admin/scopes", "/admin/clients/00000000000000000000000000000000" })
    void noTokenGets401WithABareBearerChallenge(String path) {
        given().when().get(path)
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void noTokenCannotRegisterAClient() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        given().contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void noTokenCannotChangeTheScopeCatalog() throws Exception {
        String name = "unauthorized_" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("name", name, "description", "Should not exist"))
                .when().post("/admin/scopes")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        assertEquals(0, TestRows.count("select count(*) from scopes where name = ?", name));
    }

    @Test
    void tokenWithoutTheAdminScopeCannotIssueInitialAccessTokens() throws Exception {
        long before = TestRows.count("select count(*) from initial_access_tokens");
        given().auth().oauth2(TestTokens.admin().scope("openid").sign(signer)).contentType(ContentType.JSON).body(Map.of("expires_in", 600))
                .when().post("/admin/initial-access-tokens")
                .then().statusCode(403)
                .body("error", equalTo("insufficient_scope"));
        assertEquals(before, TestRows.count("select count(*) from initial_access_tokens"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/admin/clients", "/admin/scopes" })
    void tokenWithoutTheAdminScopeGets403InsufficientScope(String path) {
        given().auth().oauth2(TestTokens.admin().scope("openid profile").sign(signer)).when().get(path)
                .then().statusCode(403)
                .header("WWW-Authenticate", containsString("insufficient_scope"))
                .body("error", equalTo("insufficient_scope"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/admin/clients", "/admin/scopes" })
    void expiredTokenGets401InvalidToken(String path) {
        given().auth().oauth2(TestTokens.admin().expired().sign(signer)).when().get(path)
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("error", equalTo("invalid_token"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/admin/clients", "/admin/scopes" })
    void tokenSignedByAnUnknownKeyGets401InvalidToken(String path) throws Exception {
        JWK stranger = TestTokens.strangerKey();
        given().auth().oauth2(TestTokens.admin().signWith(stranger, stranger.getKeyID(), TokenSigner.ACCESS_TOKEN_TYPE)).when().get(path)
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("error", equalTo("invalid_token"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." })
    void garbageTokenGets401InvalidToken(String token) {
        given().header("Authorization", "Bearer " + token).when().get("/admin/clients")
                .then().statusCode(401)
                .body("error", equalTo("invalid_token"));
    }
}
