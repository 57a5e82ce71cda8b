package io.keyfair.token.discovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class DiscoveryTest {

    private static final String ISSUER = "http://localhost:8080";

    @Test
    void bothMetadataDocumentsListTheIssuerEndpointsAndCapabilities() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            given().get(path).then().statusCode(200)
                    .contentType(startsWith("application/json"))
                    .body("issuer", equalTo(ISSUER))
                    .body("authorization_endpoint", equalTo(ISSUER + "/oauth/authorize"))
                    .body("token_endpoint", equalTo(ISSUER + "/oauth/token"))
                    .body("userinfo_endpoint", equalTo(ISSUER + "/oauth/userinfo"))
                    .body("revocation_endpoint", equalTo(ISSUER + "/oauth/revoke"))
                    .body("introspection_endpoint", equalTo(ISSUER + "/oauth/introspect"))
                    .body("registration_endpoint", equalTo(ISSUER + "/oauth/register"))
                    .body("end_session_endpoint", equalTo(ISSUER + "/logout"))
                    .body("jwks_uri", equalTo(ISSUER + "/oauth/jwks"))
                    .body("response_types_supported", contains("code"))
                    .body("grant_types_supported", hasItems("authorization_code", "refresh_token", "client_credentials"))
                    .body("grant_types_supported", not(hasItems("implicit")))
                    .body("grant_types_supported", not(hasItems("password")))
                    .body("token_endpoint_auth_methods_supported", hasItems("client_secret_basic", "client_secret_post", "none"))
                    .body("code_challenge_methods_supported", contains("S256"))
                    .body("authorization_response_iss_parameter_supported", equalTo(true))
                    .body("scopes_supported", hasItems("openid", "profile", "email", "seller", "roles", "offline_access", "admin"));
        }
    }

    /**
     * RFC 9126 §5: the PAR endpoint, which no client must use unless its registration says so;
     * request objects are not supported, by value or by reference (OpenID Connect Discovery §3).
     */
    @Test
    void bothMetadataDocumentsListThePushedAuthorizationRequestEndpointAndRefuseRequestObjects() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            given().get(path).then().statusCode(200)
                    .body("pushed_authorization_request_endpoint", equalTo(ISSUER + "/oauth/par"))
                    .body("require_pushed_authorization_requests", equalTo(false))
                    .body("request_parameter_supported", equalTo(false))
                    .body("request_uri_parameter_supported", equalTo(false));
        }
    }

    @Test
    void ssfConfigurationNamesTheStreamEndpointsDeliveryMethodsAndTheSameKeys() {
        String jwksUri = given().get("/.well-known/openid-configuration").then().statusCode(200).extract().path("jwks_uri");
        Map<String, Object> doc = given().get("/.well-known/ssf-configuration").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", equalTo("public, max-age=60"))
                .body("spec_version", equalTo("1_0"))
                .body("issuer", equalTo(ISSUER))
                .body("jwks_uri", equalTo(jwksUri))
                .body("delivery_methods_supported", contains("urn:ietf:rfc:8935", "urn:ietf:rfc:8936"))
                .body("configuration_endpoint", equalTo(ISSUER + "/ssf/streams"))
                .body("status_endpoint", equalTo(ISSUER + "/ssf/status"))
                .body("verification_endpoint", equalTo(ISSUER + "/ssf/verify"))
                .body("authorization_schemes", equalTo(List.of(Map.of("spec_urn", "urn:ietf:rfc:6749"))))
                .body("default_subjects", equalTo("ALL"))
                .extract().as(Map.class);
        assertEquals(Set.of("spec_version", "issuer", "jwks_uri", "delivery_methods_supported", "configuration_endpoint",
                "status_endpoint", "verification_endpoint", "authorization_schemes", "default_subjects"), doc.keySet());
    }

    @Test
    void jwksPublishesOnlyPublicKeysEachWithKidUseAndAlg() {
        List<Map<String, Object>> keys = given().get("/oauth/jwks").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("keys.use", everyItem(equalTo("sig")))
                .body("keys.alg", hasItems("RS256", "ES256"))
                .extract().path("keys");
        assertFalse(keys.isEmpty());
        for (Map<String, Object> key : keys) {
            assertTrue(key.get("kid") instanceof String kid && !kid.isBlank(), "kid: " + key);
            for (String member : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k", "status")) {
                assertFalse(key.containsKey(member), "private or internal member " + member + " published: " + key.keySet());
            }
        }
    }

    @Test
    void unknownPathGivesJsonNotFoundWithoutInternals() {
        given().get("/oauth/nothing-here").then().statusCode(404).body("error", equalTo("not_found"));
    }
}
