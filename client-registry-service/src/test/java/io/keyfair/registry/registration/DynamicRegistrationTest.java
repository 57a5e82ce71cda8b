package io.keyfair.registry.registration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class DynamicRegistrationTest {

    @Inject
    TokenSigner signer;

    private String initialAccessToken() {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(Map.of("expires_in", 600))
                .when().post("/admin/initial-access-tokens")
                .then().statusCode(201).extract().path("token");
    }

    private ValidatableResponse register(String token, Object metadata) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(metadata)
                .when().post("/oauth/register").then();
    }

    @Test
    void anInitialAccessTokenIsShownOnceAndStoredHashed() throws Exception {
        ExtractableResponse<Response> issued = given().auth().oauth2(TestTokens.admin().sign(signer))
                .when().post("/admin/initial-access-tokens")
                .then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("expires_in", equalTo(86_400))
                .body("token", matchesPattern("^[0-9a-f]{64}$"))
                .extract();
        String token = issued.path("token");

        assertEquals(1, TestRows.count("select count(*) from initial_access_tokens where token_hash = ? "
                + "and expires_at between now() + interval '86390 seconds' and now() + interval '86410 seconds'",
                Secrets.sha256(token)));
        assertEquals(0, TestRows.count("select count(*) from audit_events where detail::text like ?", "%" + token + "%"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"expires_in\": 59}", "{\"expires_in\": 2592001}", "{\"expires_in\": \"3600\"}", "{\"expires_in\": true}" })
    void anExpiresInOutOfRangeIsAnInvalidRequest(String body) {
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().post("/admin/initial-access-tokens")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void aClientRegisteredWithAnInitialAccessTokenIsPendingAndGetsASecret() throws Exception {
        String token = initialAccessToken();
        Map<String, Object> metadata = Registrations.confidential();

        ExtractableResponse<Response> created = register(token, metadata)
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .body("status", equalTo("pending"))
                .body("client_id", matchesPattern("^[0-9a-f]{32}$"))
                .body("client_secret", matchesPattern("^[0-9a-f]{64}$"))
                .body("client_secret_expires_at", equalTo(0))
                .body("client_name", equalTo(metadata.get("client_name")))
                .body("grant_types", equalTo(List.of("authorization_code", "refresh_token")))
                .extract();
        String id = created.path("client_id");

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id)
                .then().statusCode(200).body("status", equalTo("pending"));
        assertEquals(List.of("initial_access_token"), TestRows.auditActors("client.registered", id));
        assertEquals(1, TestRows.secrets(id).size());
    }

    @Test
    void aRegisteredClientKeepsItsPostLogoutRedirectUris() {
        String token = initialAccessToken();
        String id = register(token, Registrations.with(Registrations.confidential(), "post_logout_redirect_uris",
                List.of("https://app.example.com/bye")))
                .statusCode(201)
                .body("post_logout_redirect_uris", equalTo(List.of("https://app.example.com/bye")))
                .extract().path("client_id");

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id)
                .then().statusCode(200).body("post_logout_redirect_uris", equalTo(List.of("https://app.example.com/bye")));
    }

    @Test
    void aRegisteredClientMayAskForDpopBoundAccessTokens() {
        String id = register(initialAccessToken(), Registrations.with(Registrations.publicClient(), "dpop_bound_access_tokens", true))
                .statusCode(201)
                .body("dpop_bound_access_tokens", equalTo(true))
                .extract().path("client_id");

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id)
                .then().statusCode(200).body("dpop_bound_access_tokens", equalTo(true));
    }

    @Test
    void anInitialAccessTokenWorksForManyRegistrationsUntilItExpires() {
        String token = initialAccessToken();

        register(token, Registrations.confidential()).statusCode(201);
        register(token, Registrations.publicClient()).statusCode(201);
        register(token, Registrations.machine()).statusCode(201);
    }

    @Test
    void noTokenGets401WithABareBearerChallenge() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        given().contentType(ContentType.JSON).body(metadata)
                .when().post("/oauth/register")
                .then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .header("WWW-Authenticate", not(containsString("error=")));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void anUnknownTokenGets401InvalidToken() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        register(Secrets.newSecret(), metadata)
                .statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("error", equalTo("invalid_token"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void anExpiredTokenGets401InvalidToken() throws Exception {
        String token = Secrets.newSecret();
        TestRows.insertInitialAccessToken(Secrets.sha256(token), Instant.now().minusSeconds(1));
        Map<String, Object> metadata = Registrations.confidential();

        register(token, metadata)
                .statusCode(401)
                .body("error", equalTo("invalid_token"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void anAdminAccessTokenIsNotAnInitialAccessToken() {
        register(TestTokens.admin().sign(signer), Registrations.confidential()).statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void issuingATokenPurgesExpiredOnes() throws Exception {
        byte[] expired = Secrets.sha256(Secrets.newSecret());
        TestRows.insertInitialAccessToken(expired, Instant.now().minusSeconds(60));

        initialAccessToken();

        assertEquals(0, TestRows.count("select count(*) from initial_access_tokens where token_hash = ?", expired));
    }

    static Stream<Arguments> privilegedMetadata() {
        return Stream.of(
                Arguments.of("trusted", Registrations.with(Registrations.confidential(), "trusted", true)),
                Arguments.of("introspection_allowed", Registrations.with(Registrations.confidential(), "introspection_allowed", true)),
                Arguments.of("a dedicated app", Registrations.with(Registrations.with(Registrations.confidential(), "app_type", "dedicated"),
                        "owner_user_id", UUID.randomUUID().toString())),
                Arguments.of("frame_ancestors", Registrations.with(Registrations.with(Registrations.confidential(), "trusted", true),
                        "frame_ancestors", List.of("https://app.example.com"))),
                Arguments.of("the admin scope", Registrations.with(Registrations.machine(), "scope", "admin")),
                Arguments.of("the admin scope among others", Registrations.with(Registrations.confidential(), "scope", "openid admin")));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("privilegedMetadata")
    void registrationRefusesWhatOnlyAnAdminMayGrant(String description, Map<String, Object> metadata) throws Exception {
        register(initialAccessToken(), metadata)
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void aConfidentialClientCredentialsClientMayRegisterTheSsfScopesButAPublicClientMayNot() throws Exception {
        String token = initialAccessToken();
        register(token, Registrations.with(Registrations.machine(), "scope", "ssf.manage ssf.read"))
                .statusCode(201).body("status", equalTo("pending")).body("scope", equalTo("ssf.manage ssf.read"));

        Map<String, Object> publicClient = Registrations.with(Registrations.publicClient(), "scope", "openid ssf.read");
        register(token, publicClient).statusCode(400).body("error", equalTo("invalid_client_metadata"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", publicClient.get("client_name")));
    }

    @Test
    void registrationWithAnEventsUriGetsAPushStreamToIt() throws Exception {
        Map<String, Object> metadata = Registrations.with(Registrations.machine(), "events_uri", "https://hooks.example.com/ssf");
        String clientId = register(initialAccessToken(), metadata).statusCode(201).extract().path("client_id");
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where client_id = ? and delivery_method = 'urn:ietf:rfc:8935'"
                + " and endpoint_url = 'https://hooks.example.com/ssf' and events_requested = ''", clientId));
    }

    @Test
    void registrationValidatesMetadataLikeTheAdminApi() {
        String token = initialAccessToken();

        register(token, Registrations.with(Registrations.confidential(), "redirect_uris", List.of("http://app.example.com/cb")))
                .statusCode(400).body("error", equalTo("invalid_redirect_uri"));
        register(token, Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", List.of("https://app.example.com/bye#x")))
                .statusCode(400).body("error", equalTo("invalid_redirect_uri"));
        register(token, Registrations.with(Registrations.confidential(), "grant_types", List.of("implicit")))
                .statusCode(400).body("error", equalTo("invalid_client_metadata"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{not json")
                .when().post("/oauth/register")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }
}
