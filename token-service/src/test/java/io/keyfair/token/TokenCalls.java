package io.keyfair.token;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Requests a client makes, and codes as authorize-service would issue them. */
public final class TokenCalls {

    private TokenCalls() {
    }

    /** A form POST authenticated with client_secret_basic (or client_id only for public clients). */
    public static Response post(String path, Created client, String... params) {
        RequestSpecification spec = given().contentType("application/x-www-form-urlencoded");
        if (client.secret() != null) {
            spec = spec.auth().preemptive().basic(client.clientId(), client.secret());
        } else {
            spec = spec.formParam("client_id", client.clientId());
        }
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.formParam(params[i], params[i + 1]);
        }
        return spec.post(path);
    }

    public static Response token(Created client, String... params) {
        return post("/oauth/token", client, params);
    }

    /** A token request with a `DPoP` header (RFC 9449 §5). */
    public static Response tokenWithProof(Created client, String proof, String... params) {
        RequestSpecification spec = given().contentType("application/x-www-form-urlencoded").header("DPoP", proof);
        if (client.secret() != null) {
            spec = spec.auth().preemptive().basic(client.clientId(), client.secret());
        } else {
            spec = spec.formParam("client_id", client.clientId());
        }
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.formParam(params[i], params[i + 1]);
        }
        return spec.post("/oauth/token");
    }

    public static Response introspect(Created caller, String token) {
        return post("/oauth/introspect", caller, "token", token);
    }

    /** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
    public record Pkce(String verifier, String challenge) {
        public static Pkce random() {
            String verifier = Secrets.randomHex(32);
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Issues a code the way authorize-service does, for the registered redirect URI. */
    public static String code(AuthorizationCodes codes, Created client, String userId, List<String> scopes, String nonce, Pkce pkce) {
        return code(codes, client, userId, scopes, nonce, pkce, null);
    }

    /** A code whose authorization request named `dpop_jkt` (RFC 9449 §10), or null. */
    public static String code(AuthorizationCodes codes, Created client, String userId, List<String> scopes, String nonce, Pkce pkce,
            String dpopJkt) {
        long now = System.currentTimeMillis() / 1000;
        AuthorizationCode data = new AuthorizationCode(client.clientId(), TestClients.REDIRECT_URI, TestClients.REDIRECT_URI,
                scopes, nonce, pkce == null ? null : pkce.challenge(), pkce == null ? null : "S256", userId, now - 5,
                Secrets.randomHex(16), now, dpopJkt);
        return codes.issue(data, Duration.ofSeconds(60)).await().atMost(Duration.ofSeconds(10));
    }

    /** Redeems a code with its verifier at the registered redirect URI. */
    public static Response exchange(Created client, String code, Pkce pkce) {
        return pkce == null
                ? token(client, "grant_type", "authorization_code", "code", code, "redirect_uri", TestClients.REDIRECT_URI)
                : token(client, "grant_type", "authorization_code", "code", code, "redirect_uri", TestClients.REDIRECT_URI,
                        "code_verifier", pkce.verifier());
    }
}
