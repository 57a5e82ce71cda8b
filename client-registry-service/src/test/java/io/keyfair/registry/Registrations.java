package io.keyfair.registry;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Client registrations through the admin API: small, valid metadata to change one member at a
 * time, and the calls that register a client and take it through its lifecycle.
 */
public final class Registrations {

    /** A client the admin API registered, with its secret (null for a public client). */
    public record Registered(String id, String secret) {
    }

    private Registrations() {
    }

    /** Registers the client through the admin API. */
    public static Registered register(String adminToken, Map<String, Object> metadata) {
        ExtractableResponse<Response> created = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients")
                .then().statusCode(201).extract();
        return new Registered(created.path("client_id"), created.path("client_secret"));
    }

    /** Takes a client through an admin lifecycle step (approve, reject, suspend). */
    public static void step(String adminToken, String clientId, String step) {
        given().auth().oauth2(adminToken).when().post("/admin/clients/" + clientId + "/" + step)
                .then().statusCode(200);
    }

    /** A web app: authorization code with refresh tokens, client_secret_basic by default. */
    public static Map<String, Object> confidential() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_name", "Listing sync " + UUID.randomUUID());
        m.put("redirect_uris", List.of("https://app.example.com/callback"));
        m.put("grant_types", List.of("authorization_code", "refresh_token"));
        m.put("scope", "openid profile");
        return m;
    }

    /** A backend service: client_credentials only. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_name", "Analytics job " + UUID.randomUUID());
        m.put("grant_types", List.of("client_credentials"));
        m.put("scope", "openid");
        return m;
    }

    /** A native or single-page app: no secret, PKCE. */
    public static Map<String, Object> publicClient() {
        Map<String, Object> m = confidential();
        m.put("token_endpoint_auth_method", "none");
        m.put("redirect_uris", List.of("http://127.0.0.1:51004/callback"));
        return m;
    }

    /** The given metadata with one member set (or removed, when the value is null). */
    public static Map<String, Object> with(Map<String, Object> metadata, String member, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        if (value == null) {
            copy.remove(member);
        } else {
            copy.put(member, value);
        }
        return copy;
    }
}
