package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientRegistrationTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private ExtractableResponse<Response> create(Object metadata) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients").then().extract();
    }

    @Test
    void confidentialClientIsPendingAndItsSecretIsShownOnceAndStoredHashed() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        ExtractableResponse<Response> created = create(metadata);

        assertEquals(201, created.statusCode());
        assertEquals("no-store", created.header("Cache-Control"));
        String id = created.path("client_id");
        String secret = created.path("client_secret");
        assertThat(id, matchesPattern("^[0-9a-f]{32}$"));
        assertThat(secret, matchesPattern("^[0-9a-f]{64}$"));
        assertThat(created.header("Location"), startsWith("http"));
        assertEquals("pending", created.path("status"));
        assertEquals(0, (int) created.path("client_secret_expires_at"));
        assertEquals(metadata.get("client_name"), created.path("client_name"));
        assertEquals(List.of("https://app.example.com/callback"), created.path("redirect_uris"));
        assertEquals(List.of("authorization_code", "refresh_token"), created.path("grant_types"));
        assertEquals("openid profile", created.path("scope"));
        assertThat(created.path("client_id_issued_at"), notNullValue());

        List<TestRows.SecretRow> stored = TestRows.secrets(id);
        assertEquals(1, stored.size());
        assertArrayEquals(Secrets.sha256(secret), stored.get(0).hash());
        assertNull(stored.get(0).expiresAt());
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.created", id));
        assertEquals(0, TestRows.count("select count(*) from audit_events where detail::text like ?", "%" + secret + "%"));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id)
                .then().statusCode(200)
                .body("client_id", equalTo(id))
                .body("status", equalTo("pending"))
                .body("$", not(hasKey("client_secret")))
                .body("$", not(hasKey("secret_hash")));
    }

    @Test
    void aDpopBoundAdminTokenSentAsBearerIsRefused() {
        String bound = TestTokens.admin().boundTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs").sign(signer);
        Response r = given().auth().oauth2(bound).contentType(ContentType.JSON)
                .body(Map.of("client_name", "Bound token app", "redirect_uris", List.of("https://bound.example.com/cb")))
                .when().post("/admin/clients");
        r.then().statusCode(401).body("error", equalTo("invalid_token"))
                .header("WWW-Authenticate", containsString("invalid_token"));
    }

    @Test
    void omittedMembersGetTheirDefaults() {
        ExtractableResponse<Response> created = create(Map.of("client_name", "Minimal app",
                "redirect_uris", List.of("https://minimal.example.com/cb")));

        assertEquals(201, created.statusCode());
        assertEquals(List.of("authorization_code"), created.path("grant_types"));
        assertEquals("openid", created.path("scope"));
        assertEquals("client_secret_basic", created.path("token_endpoint_auth_method"));
        assertEquals(2, (int) created.path("refresh_grace_seconds"));
        assertEquals(false, created.path("introspection_allowed"));
        assertEquals("RS256", created.path("id_token_signed_response_alg"));
        assertEquals("third_party", created.path("app_type"));
        assertEquals(false, created.path("trusted"));
        assertEquals(List.of(), created.path("frame_ancestors"));
        assertEquals(List.of(), created.path("post_logout_redirect_uris"));
        assertEquals("pending", created.path("status"));
    }

    @Test
    void everyMemberIsStoredAndEchoed() {
        Map<String, Object> metadata = Map.ofEntries(
                Map.entry("client_name", "Partner platform"),
                Map.entry("logo_uri", "https://partner.example.com/logo.png"),
                Map.entry("tos_uri", "https://partner.example.com/tos"),
                Map.entry("policy_uri", "https://partner.example.com/privacy"),
                Map.entry("events_uri", "https://partner.example.com/events"),
                Map.entry("redirect_uris", List.of("https://partner.example.com/cb", "http://localhost:3000/cb")),
                Map.entry("post_logout_redirect_uris", List.of("https://partner.example.com/bye", "http://[::1]:3000/bye")),
                Map.entry("grant_types", List.of("authorization_code", "refresh_token", "client_credentials")),
                Map.entry("scope", "openid email seller"),
                Map.entry("token_endpoint_auth_method", "client_secret_post"),
                Map.entry("refresh_grace_seconds", 300),
                Map.entry("introspection_allowed", true),
                Map.entry("id_token_signed_response_alg", "ES256"),
                Map.entry("trusted", true),
                Map.entry("frame_ancestors", List.of("https://partner.example.com", "http://localhost:3000")),
                Map.entry("access_token_ttl", 86_400),
                Map.entry("reason", "Sync listings for our sellers"),
                Map.entry("software_id", "ignored: unknown members are ignored"));
        ExtractableResponse<Response> created = create(metadata);
        assertEquals(201, created.statusCode());
        String id = created.path("client_id");

        Response read = given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id);
        read.then().statusCode(200).body("$", not(hasKey("software_id")));
        for (Map.Entry<String, Object> member : metadata.entrySet()) {
            if (!member.getKey().equals("software_id")) {
                assertEquals(member.getValue(), read.path(member.getKey()), member.getKey());
            }
        }
    }

    @Test
    void publicClientGetsNoSecret() throws Exception {
        ExtractableResponse<Response> created = create(Registrations.publicClient());

        assertEquals(201, created.statusCode());
        assertEquals("none", created.path("token_endpoint_auth_method"));
        assertNull(created.path("client_secret"));
        assertNull(created.path("client_secret_expires_at"));
        assertEquals(0, TestRows.secrets(created.path("client_id")).size());
    }

    @Test
    void loopbackRedirectUrisMayUsePlainHttpOnAnyPort() {
        ExtractableResponse<Response> created = create(Registrations.with(Registrations.confidential(), "redirect_uris",
                List.of("http://localhost:8765/cb", "http://127.0.0.1/cb", "http://[::1]:61000/cb", "https://app.example.com/cb")));

        assertEquals(201, created.statusCode());
        assertEquals(4, ((List<?>) created.path("redirect_uris")).size());
    }

    @Test
    void dedicatedAppOfAnExistingUserIsApprovedAtCreation() throws Exception {
        UUID owner = UUID.fromString(TestUsers.user().create(pool).id());
        Map<String, Object> metadata = Registrations.confidential();
        metadata.put("app_type", "dedicated");
        metadata.put("owner_user_id", owner.toString());

        ExtractableResponse<Response> created = create(metadata);

        assertEquals(201, created.statusCode());
        assertEquals("approved", created.path("status"));
        assertEquals("dedicated", created.path("app_type"));
        assertEquals(owner.toString(), created.path("owner_user_id"));
    }

    @Test
    void dedicatedAppWithoutOwnerIsRefused() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        metadata.put("app_type", "dedicated");

        ExtractableResponse<Response> refused = create(metadata);

        assertEquals(400, refused.statusCode());
        assertEquals("invalid_client_metadata", refused.path("error"));
        assertThat(refused.path("error_description"), containsString("owner_user_id"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void trustedDedicatedAppIsRefused() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        metadata.put("app_type", "dedicated");
        metadata.put("owner_user_id", TestUsers.user().create(pool).id());
        metadata.put("trusted", true);

        ExtractableResponse<Response> refused = create(metadata);

        assertEquals(400, refused.statusCode());
        assertEquals("invalid_client_metadata", refused.path("error"));
        assertThat(refused.path("error_description"), containsString("trusted"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void dedicatedAppOfAnUnknownUserIsRefused() throws Exception {
        Map<String, Object> metadata = Registrations.confidential();
        metadata.put("app_type", "dedicated");
        metadata.put("owner_user_id", UUID.randomUUID().toString());

        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients")
                .then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
        assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
    }

    @Test
    void restrictedAdminScopeIsAllowedForAConfidentialClientCredentialsClient() {
        ExtractableResponse<Response> created = create(Registrations.with(Registrations.machine(), "scope", "admin"));

        assertEquals(201, created.statusCode());
        assertEquals("admin", created.path("scope"));
    }

    @Test
    void malformedJsonIsAnInvalidRequest() {
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body("{\"client_name\": ")
                .when().post("/admin/clients")
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", not(containsString("Exception")));
    }

    @Test
    void aBodyThatIsNotUtf8IsAnInvalidRequestAndStoresNothing() throws Exception {
        String suffix = UUID.randomUUID().toString();
        String name = "Caf\u00e9 " + suffix;
        byte[] latin1 = ("{\"client_name\": \"" + name + "\", \"redirect_uris\": [\"https://app.example.com/cb\"]}")
                .getBytes(StandardCharsets.ISO_8859_1);
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(latin1)
                .when().post("/admin/clients")
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("The request body is not UTF-8"));
        // RESTEasy's own reader would have stored "Caf\uFFFD …"
        assertEquals(0, TestRows.count("select count(*) from clients where client_name like ?", "%" + suffix));
    }

    @Test
    void aBodyThatIsNotAnObjectIsAnInvalidRequest() {
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body("[\"client_name\"]")
                .when().post("/admin/clients")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    /** A confidential client that authenticates with its key (RFC 7523). */
    static Map<String, Object> keyClient() {
        return Registrations.with(Registrations.with(Registrations.confidential(), "token_endpoint_auth_method", "private_key_jwt"),
                "jwks", Map.of("keys", List.of(ClientKeysFixture.RSA.toPublicJWK().toJSONObject())));
    }

    @Test
    void aPrivateKeyJwtClientIsRegisteredWithItsKeysAndWithoutASecret() {
        String admin = TestTokens.admin().sign(signer);
        var created = given().auth().oauth2(admin).contentType(ContentType.JSON).body(keyClient())
                .when().post("/admin/clients")
                .then().statusCode(201)
                .body("token_endpoint_auth_method", equalTo("private_key_jwt"))
                .body("$", not(hasKey("client_secret")))
                .body("jwks.keys[0].kid", equalTo(ClientKeysFixture.RSA.getKeyID()))
                .body("jwks.keys[0]", not(hasKey("d")))
                .extract();
        String id = created.path("client_id");
        given().auth().oauth2(admin).when().get("/admin/clients/" + id)
                .then().statusCode(200).body("jwks.keys[0].n", equalTo(ClientKeysFixture.RSA.getModulus().toString()));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{}").when().post("/admin/clients/" + id + "/secret")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    /** Each case is a fresh, uniquely named client, so "nothing is stored" is checked per case. */
    static Stream<Arguments> invalidMetadata() {
        return Stream.of(
                // redirect URIs: RFC 6749 §3.1.2, RFC 8252 §7.3
                Arguments.of("plain http on a public host", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("http://app.example.com/cb")), "invalid_redirect_uri"),
                Arguments.of("plain http on a host named like loopback", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("http://localhost.evil.com/cb")), "invalid_redirect_uri"),
                Arguments.of("a fragment", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("https://app.example.com/cb#frag")), "invalid_redirect_uri"),
                Arguments.of("a space", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("https://app.example.com/a b")), "invalid_redirect_uri"),
                Arguments.of("a relative URI", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("/callback")), "invalid_redirect_uri"),
                Arguments.of("a custom scheme", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("com.example.app:/cb")), "invalid_redirect_uri"),
                Arguments.of("an unparseable URI", Registrations.with(Registrations.confidential(), "redirect_uris", List.of("https://app.example.com/%zz")), "invalid_redirect_uri"),
                Arguments.of("no redirect URI for the code grant", Registrations.with(Registrations.confidential(), "redirect_uris", null), "invalid_redirect_uri"),
                Arguments.of("a plain http post-logout URI on a public host", Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", List.of("http://app.example.com/bye")), "invalid_redirect_uri"),
                Arguments.of("a post-logout URI with a fragment", Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", List.of("https://app.example.com/bye#x")), "invalid_redirect_uri"),
                Arguments.of("a relative post-logout URI", Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", List.of("/bye")), "invalid_redirect_uri"),
                Arguments.of("a javascript post-logout URI", Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", List.of("javascript:alert(1)")), "invalid_redirect_uri"),
                Arguments.of("post_logout_redirect_uris as a string", Registrations.with(Registrations.confidential(), "post_logout_redirect_uris", "https://app.example.com/bye"), "invalid_client_metadata"),
                Arguments.of("an empty redirect URI list for the code grant", Registrations.with(Registrations.confidential(), "redirect_uris", List.of()), "invalid_redirect_uri"),
                // grants
                Arguments.of("an unknown grant", Registrations.with(Registrations.confidential(), "grant_types", List.of("authorization_code", "urn:example:magic")), "invalid_client_metadata"),
                Arguments.of("the implicit grant", Registrations.with(Registrations.confidential(), "grant_types", List.of("implicit")), "invalid_client_metadata"),
                Arguments.of("the password grant", Registrations.with(Registrations.confidential(), "grant_types", List.of("password")), "invalid_client_metadata"),
                Arguments.of("no grant at all", Registrations.with(Registrations.confidential(), "grant_types", List.of()), "invalid_client_metadata"),
                Arguments.of("the token response type", Registrations.with(Registrations.confidential(), "response_types", List.of("token")), "invalid_client_metadata"),
                Arguments.of("client_credentials for a public client", Registrations.with(Registrations.with(Registrations.machine(), "token_endpoint_auth_method", "none"), "grant_types", List.of("client_credentials")), "invalid_client_metadata"),
                Arguments.of("an unknown auth method", Registrations.with(Registrations.confidential(), "token_endpoint_auth_method", "tls_client_auth"), "invalid_client_metadata"),
                // private_key_jwt keys (RFC 7591 §2, RFC 7523)
                Arguments.of("private_key_jwt without keys", Registrations.with(Registrations.confidential(), "token_endpoint_auth_method", "private_key_jwt"), "invalid_client_metadata"),
                Arguments.of("a private key in jwks", Registrations.with(keyClient(), "jwks", Map.of("keys", List.of(ClientKeysFixture.RSA.toJSONObject()))), "invalid_client_metadata"),
                Arguments.of("a 1024-bit RSA key in jwks", Registrations.with(keyClient(), "jwks", Map.of("keys", List.of(ClientKeysFixture.SMALL_RSA.toPublicJWK().toJSONObject()))), "invalid_client_metadata"),
                Arguments.of("an encryption key in jwks", Registrations.with(keyClient(), "jwks", Map.of("keys", List.of(ClientKeysFixture.ENCRYPTION.toPublicJWK().toJSONObject()))), "invalid_client_metadata"),
                Arguments.of("jwks that is not a JWK set", Registrations.with(keyClient(), "jwks", Map.of("keys", "none")), "invalid_client_metadata"),
                Arguments.of("both jwks and jwks_uri", Registrations.with(keyClient(), "jwks_uri", "https://app.example.com/jwks"), "invalid_client_metadata"),
                Arguments.of("a jwks_uri over plain http", Registrations.with(Registrations.with(keyClient(), "jwks", null), "jwks_uri", "http://app.example.com/jwks"), "invalid_client_metadata"),
                Arguments.of("jwks for a client with a secret", Registrations.with(keyClient(), "token_endpoint_auth_method", "client_secret_basic"), "invalid_client_metadata"),
                // scopes
                Arguments.of("an unknown scope", Registrations.with(Registrations.confidential(), "scope", "openid no_such_scope"), "invalid_client_metadata"),
                Arguments.of("the admin scope without client_credentials", Registrations.with(Registrations.confidential(), "scope", "openid admin"), "invalid_client_metadata"),
                Arguments.of("the admin scope for a public client", Registrations.with(Registrations.publicClient(), "scope", "admin"), "invalid_client_metadata"),
                Arguments.of("a blank scope", Registrations.with(Registrations.confidential(), "scope", "  "), "invalid_client_metadata"),
                // types
                Arguments.of("trusted as a string", Registrations.with(Registrations.confidential(), "trusted", "yes"), "invalid_client_metadata"),
                Arguments.of("redirect_uris as a string", Registrations.with(Registrations.confidential(), "redirect_uris", "https://app.example.com/cb"), "invalid_client_metadata"),
                Arguments.of("a redirect URI as a number", Registrations.with(Registrations.confidential(), "redirect_uris", List.of(42)), "invalid_client_metadata"),
                Arguments.of("grant_types as a string", Registrations.with(Registrations.confidential(), "grant_types", "authorization_code"), "invalid_client_metadata"),
                Arguments.of("scope as an array", Registrations.with(Registrations.confidential(), "scope", List.of("openid")), "invalid_client_metadata"),
                Arguments.of("client_name as a number", Registrations.with(Registrations.confidential(), "client_name", 7), "invalid_client_metadata"),
                Arguments.of("access_token_ttl as a string", Registrations.with(Registrations.confidential(), "access_token_ttl", "3600"), "invalid_client_metadata"),
                Arguments.of("access_token_ttl as a fraction", Registrations.with(Registrations.confidential(), "access_token_ttl", 1.5), "invalid_client_metadata"),
                Arguments.of("introspection_allowed as a number", Registrations.with(Registrations.confidential(), "introspection_allowed", 1), "invalid_client_metadata"),
                // ranges
                Arguments.of("access_token_ttl of 0", Registrations.with(Registrations.confidential(), "access_token_ttl", 0), "invalid_client_metadata"),
                Arguments.of("access_token_ttl over a day", Registrations.with(Registrations.confidential(), "access_token_ttl", 86_401), "invalid_client_metadata"),
                Arguments.of("a huge access_token_ttl", Registrations.with(Registrations.confidential(), "access_token_ttl", 99_999_999_999L), "invalid_client_metadata"),
                Arguments.of("refresh_grace_seconds over 5 minutes", Registrations.with(Registrations.confidential(), "refresh_grace_seconds", 301), "invalid_client_metadata"),
                Arguments.of("negative refresh_grace_seconds", Registrations.with(Registrations.confidential(), "refresh_grace_seconds", -1), "invalid_client_metadata"),
                Arguments.of("an unsupported signing algorithm", Registrations.with(Registrations.confidential(), "id_token_signed_response_alg", "HS256"), "invalid_client_metadata"),
                // names and links
                Arguments.of("no client_name", Registrations.with(Registrations.confidential(), "client_name", null), "invalid_client_metadata"),
                Arguments.of("a blank client_name", Registrations.with(Registrations.confidential(), "client_name", "   "), "invalid_client_metadata"),
                Arguments.of("a client_name over 200 characters", Registrations.with(Registrations.confidential(), "client_name", "n".repeat(201)), "invalid_client_metadata"),
                Arguments.of("a NUL in client_name", Registrations.with(Registrations.confidential(), "client_name", "App\u0000"), "invalid_client_metadata"),
                Arguments.of("a line break in client_name", Registrations.with(Registrations.confidential(), "client_name", "App\nSecond line"), "invalid_client_metadata"),
                Arguments.of("a NUL in reason", Registrations.with(Registrations.confidential(), "reason", "Because\u0000"), "invalid_client_metadata"),
                Arguments.of("a reason over 2000 characters", Registrations.with(Registrations.confidential(), "reason", "r".repeat(2001)), "invalid_client_metadata"),
                Arguments.of("a plain http logo_uri", Registrations.with(Registrations.confidential(), "logo_uri", "http://cdn.example.com/logo.png"), "invalid_client_metadata"),
                Arguments.of("a relative tos_uri", Registrations.with(Registrations.confidential(), "tos_uri", "/tos"), "invalid_client_metadata"),
                Arguments.of("a javascript policy_uri", Registrations.with(Registrations.confidential(), "policy_uri", "javascript:alert(1)"), "invalid_client_metadata"),
                Arguments.of("a plain http events_uri", Registrations.with(Registrations.confidential(), "events_uri", "http://hooks.example.com/events"), "invalid_client_metadata"),
                // Keyfair's members
                Arguments.of("frame_ancestors without trusted", Registrations.with(Registrations.confidential(), "frame_ancestors", List.of("https://app.example.com")), "invalid_client_metadata"),
                Arguments.of("a frame ancestor with a path", Registrations.with(Registrations.with(Registrations.confidential(), "trusted", true), "frame_ancestors", List.of("https://app.example.com/page")), "invalid_client_metadata"),
                Arguments.of("a plain http frame ancestor", Registrations.with(Registrations.with(Registrations.confidential(), "trusted", true), "frame_ancestors", List.of("http://app.example.com")), "invalid_client_metadata"),
                Arguments.of("a wildcard frame ancestor", Registrations.with(Registrations.with(Registrations.confidential(), "trusted", true), "frame_ancestors", List.of("https://*.example.com")), "invalid_client_metadata"),
                Arguments.of("a third-party app's owner that is no user", Registrations.with(Registrations.confidential(), "owner_user_id", UUID.randomUUID().toString()), "invalid_client_metadata"),
                Arguments.of("an owner that is not a UUID", Registrations.with(Registrations.with(Registrations.confidential(), "app_type", "dedicated"), "owner_user_id", "alice"), "invalid_client_metadata"),
                Arguments.of("an unknown app_type", Registrations.with(Registrations.confidential(), "app_type", "first_party"), "invalid_client_metadata"),
                Arguments.of("introspection for a public client", Registrations.with(Registrations.publicClient(), "introspection_allowed", true), "invalid_client_metadata"));
    }

    @ParameterizedTest(name = "{0} is refused with {2}")
    @MethodSource("invalidMetadata")
    void invalidMetadataIsRefusedAndNothingIsStored(String description, Map<String, Object> metadata, String error) throws Exception {
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients")
                .then().statusCode(400)
                .header("Cache-Control", "no-store")
                .body("error", equalTo(error))
                .body("error_description", notNullValue());
        if (metadata.get("client_name") instanceof String name && !name.isBlank() && name.indexOf(0) < 0) {
            assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", name));
        }
    }

    @Test
    void duplicateRedirectUrisAndScopesAreStoredOnce() {
        ExtractableResponse<Response> created = create(Registrations.with(Registrations.with(Registrations.confidential(),
                "redirect_uris", List.of("https://app.example.com/cb", "https://app.example.com/cb")),
                "scope", "openid  profile openid"));

        assertEquals(201, created.statusCode());
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + created.path("client_id"))
                .then().statusCode(200)
                .body("redirect_uris", contains("https://app.example.com/cb"))
                .body("scope", equalTo("openid profile"));
    }
}
