package io.keyfair.userinfo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.testing.TestUsers.Created;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** Which claims each scope releases, their JSON types, and the ways a client may ask. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UserInfoClaimsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OffsetDateTime UPDATED = OffsetDateTime.parse("2024-05-01T12:00:00Z");

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private String token(Created user, String scope) {
        return TestTokens.forUser(user.id()).scope(scope).sign(signer);
    }

    private static Response get(String token) {
        return given().header("Authorization", "Bearer " + token).get("/oauth/userinfo");
    }

    /** The 200 body as JSON, after checking the headers every answer carries. */
    private static JsonNode claims(Response r) throws Exception {
        r.then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache");
        return JSON.readTree(r.asString());
    }

    private static Set<String> names(JsonNode claims) {
        Set<String> names = new TreeSet<>();
        claims.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void openidAloneGivesOnlySub() throws Exception {
        Created user = TestUsers.user().create(pool);
        JsonNode claims = claims(get(token(user, "openid")));
        assertEquals(Set.of("sub"), names(claims));
        assertEquals(user.id(), claims.get("sub").textValue());
    }

    @Test
    void profileGivesNameUsernameAndUpdatedAtInEpochSeconds() throws Exception {
        Created user = TestUsers.user().name("Grace Hopper").updatedAt(UPDATED).create(pool);
        JsonNode claims = claims(get(token(user, "openid profile")));
        assertEquals(Set.of("sub", "name", "preferred_username", "updated_at"), names(claims));
        assertEquals("Grace Hopper", claims.get("name").textValue());
        assertEquals(user.username(), claims.get("preferred_username").textValue());
        assertTrue(claims.get("updated_at").isIntegralNumber(), "updated_at is an integer: " + claims);
        assertEquals(UPDATED.toEpochSecond(), claims.get("updated_at").longValue());
    }

    @Test
    void profileOmitsANameTheUserHasNot() throws Exception {
        Created user = TestUsers.user().name(null).create(pool);
        JsonNode claims = claims(get(token(user, "openid profile")));
        assertEquals(Set.of("sub", "preferred_username", "updated_at"), names(claims));
    }

    @Test
    void emailGivesEmailAndItsVerifiedFlag() throws Exception {
        Created user = TestUsers.user().email("grace@example.com").emailVerified(false).create(pool);
        JsonNode claims = claims(get(token(user, "openid email")));
        assertEquals(Set.of("sub", "email", "email_verified"), names(claims));
        assertEquals("grace@example.com", claims.get("email").textValue());
        assertTrue(claims.get("email_verified").isBoolean(), "email_verified is a boolean: " + claims);
        assertEquals(false, claims.get("email_verified").booleanValue());
    }

    @Test
    void emailOmitsBothClaimsWhenTheUserHasNoAddress() throws Exception {
        Created user = TestUsers.user().email(null).create(pool);
        assertEquals(Set.of("sub"), names(claims(get(token(user, "openid email")))));
    }

    @Test
    void sellerGivesVerifiedFlagAndSinceAsADate() throws Exception {
        Created user = TestUsers.user().seller(LocalDate.of(2021, 3, 4)).create(pool);
        JsonNode claims = claims(get(token(user, "openid seller")));
        assertEquals(Set.of("sub", "seller_verified", "seller_since"), names(claims));
        assertTrue(claims.get("seller_verified").isBoolean());
        assertEquals(true, claims.get("seller_verified").booleanValue());
        assertEquals("2021-03-04", claims.get("seller_since").textValue());
    }

    @Test
    void sellerOfANonSellerGivesFalseAndNoSince() throws Exception {
        Created user = TestUsers.user().seller(null).create(pool);
        JsonNode claims = claims(get(token(user, "openid seller")));
        assertEquals(Set.of("sub", "seller_verified"), names(claims));
        assertEquals(false, claims.get("seller_verified").booleanValue());
    }

    @Test
    void rolesGivesAnArrayOfStrings() throws Exception {
        Created user = TestUsers.user().roles("buyer seller support").create(pool);
        JsonNode claims = claims(get(token(user, "openid roles")));
        assertEquals(Set.of("sub", "roles"), names(claims));
        assertTrue(claims.get("roles").isArray());
        assertEquals(List.of("buyer", "seller", "support"), JSON.convertValue(claims.get("roles"), List.class));
    }

    @Test
    void rolesOfAUserWithoutRolesIsAnEmptyArray() throws Exception {
        Created user = TestUsers.user().roles("").create(pool);
        JsonNode claims = claims(get(token(user, "openid roles")));
        assertTrue(claims.get("roles").isArray() && claims.get("roles").isEmpty(), "roles: " + claims);
    }

    @Test
    void everyScopeTogetherGivesEveryClaim() throws Exception {
        Created user = TestUsers.user().seller(LocalDate.of(2020, 1, 31)).roles("buyer").create(pool);
        JsonNode claims = claims(get(token(user, "openid profile email seller roles offline_access")));
        assertEquals(Set.of("sub", "name", "preferred_username", "updated_at", "email", "email_verified",
                "seller_verified", "seller_since", "roles"), names(claims));
    }

    @Test
    void scopesWithoutClaimsAddNothing() throws Exception {
        Created user = TestUsers.user().create(pool);
        assertEquals(Set.of("sub"), names(claims(get(token(user, "offline_access openid")))));
    }

    @Test
    void es256TokenIsAccepted() throws Exception {
        Created user = TestUsers.user().create(pool);
        String token = TestTokens.forUser(user.id()).scope("openid email").algorithm(JWSAlgorithm.ES256).sign(signer);
        JsonNode claims = claims(get(token));
        assertEquals("ada@example.com", claims.get("email").textValue());
    }

    @Test
    void postWithTheTokenInTheHeaderAnswersLikeGet() throws Exception {
        Created user = TestUsers.user().create(pool);
        String token = token(user, "openid profile email");
        Response post = given().header("Authorization", "Bearer " + token)
                .contentType("application/x-www-form-urlencoded").body("").post("/oauth/userinfo");
        assertEquals(claims(get(token)), claims(post));
    }

    @Test
    void postWithTheTokenInTheFormBodyAnswersLikeGet() throws Exception {
        Created user = TestUsers.user().create(pool);
        String token = token(user, "openid profile email");
        Response post = given().contentType("application/x-www-form-urlencoded").formParam("access_token", token)
                .post("/oauth/userinfo");
        assertEquals(claims(get(token)), claims(post));
    }

    @Test
    void postWithoutABodyOrWithAnotherContentTypeReadsTheHeader() throws Exception {
        Created user = TestUsers.user().create(pool);
        String token = token(user, "openid");
        claims(given().header("Authorization", "Bearer " + token).post("/oauth/userinfo"));
        claims(given().header("Authorization", "Bearer " + token).contentType("application/json").body("{}").post("/oauth/userinfo"));
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        Created user = TestUsers.user().create(pool);
        Response r = given().header("Authorization", "bearer " + token(user, "openid")).get("/oauth/userinfo");
        assertEquals(user.id(), claims(r).get("sub").textValue());
    }
}
