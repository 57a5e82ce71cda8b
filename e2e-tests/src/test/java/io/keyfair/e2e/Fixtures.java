package io.keyfair.e2e;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Clients and users provisioned through the real admin API, unique per call. */
public final class Fixtures {

    public static final String REDIRECT_URI = "http://127.0.0.1:9/cb";

    private Fixtures() {
    }

    /** A registered client: the registration response plus what was sent. */
    public record Client(String id, String secret, Map<String, Object> metadata) {
    }

    public record User(String id, String username, String password) {
    }

    public static RequestSpecification admin() {
        return given().auth().oauth2(Stack.adminToken()).contentType("application/json").accept("application/json");
    }

    public static Map<String, Object> metadata() {
        Map<String, Object> m = new HashMap<>();
        m.put("client_name", "E2E app " + UUID.randomUUID());
        m.put("logo_uri", "https://example.com/logo.png");
        m.put("tos_uri", "https://example.com/tos");
        m.put("policy_uri", "https://example.com/privacy");
        m.put("redirect_uris", List.of(REDIRECT_URI));
        m.put("grant_types", List.of("authorization_code", "refresh_token"));
        m.put("scope", "openid profile email seller roles");
        m.put("reason", "End-to-end test fixture");
        return m;
    }

    public static Map<String, Object> machineMetadata() {
        Map<String, Object> m = metadata();
        m.put("grant_types", List.of("client_credentials"));
        m.put("redirect_uris", List.of());
        m.put("scope", "profile");
        return m;
    }

    public static Client register(Map<String, Object> metadata) {
        Response r = admin().body(metadata).post("/admin/clients");
        r.then().statusCode(201);
        return new Client(r.path("client_id"), r.path("client_secret"), metadata);
    }

    public static Client approved(Map<String, Object> metadata) {
        Client c = register(metadata);
        admin().post("/admin/clients/" + c.id() + "/approve").then().statusCode(200);
        return c;
    }

    public static User user() {
        String username = "e2e-" + UUID.randomUUID();
        String password = "Kf-" + UUID.randomUUID() + "-9a!";
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("email", username + "@example.com");
        body.put("email_verified", true);
        body.put("name", "E2E " + username);
        body.put("seller_verified", true);
        body.put("seller_since", "2024-03-01");
        body.put("roles", List.of("buyer", "seller"));
        String id = admin().body(body).post("/admin/users").then().statusCode(201).extract().path("id");
        return new User(id, username, password);
    }

    /** A client_credentials token request with client_secret_basic. */
    public static Response clientCredentials(String id, String secret, String... params) {
        RequestSpecification spec = given().auth().preemptive().basic(id, secret).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials");
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.formParam(params[i], params[i + 1]);
        }
        return spec.post("/oauth/token");
    }
}
