package io.keyfair.authorize;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.TokenSigner;

import com.nimbusds.jose.JWSAlgorithm;

/** Users created through the real admin API, with an admin token signed by the test key set. */
public final class TestUsers {

    public static final String ISSUER = "http://localhost:8080";

    /** A user as created: its id and the password in clear. */
    public record Created(String id, String username, String password) {
    }

    private TestUsers() {
    }

    /** A bearer token with the given scopes, as token-service would issue it to a client. */
    public static String token(TokenSigner signer, String... scopes) {
        long now = System.currentTimeMillis() / 1000;
        String jti = Secrets.randomHex(16);
        return signer.sign(new AccessToken(ISSUER, ISSUER, "test-admin-client", "test-admin-client", List.of(scopes), now,
                now + 300, jti, jti, JWSAlgorithm.RS256));
    }

    public static String admin(TokenSigner signer) {
        return token(signer, "admin");
    }

    public static Created create(TokenSigner signer) {
        return create(signer, Map.of());
    }

    public static Created create(TokenSigner signer, Map<String, Object> overrides) {
        String username = "user_" + Secrets.randomHex(6);
        String password = "pw-" + Secrets.randomHex(8);
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "username", username, "password", password, "email", username + "@example.com", "email_verified", true,
                "name", "Test " + username, "seller_verified", false, "roles", List.of("buyer")));
        body.putAll(overrides);
        String id = given().auth().oauth2(admin(signer)).contentType("application/json").body(body)
                .post("/admin/users").then().statusCode(201).extract().path("id");
        return new Created(id, (String) body.get("username"), (String) body.get("password"));
    }
}
