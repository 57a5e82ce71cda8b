package io.keyfair.e2e;

import static io.keyfair.e2e.Fixtures.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/**
 * A DPoP client (RFC 9449) through nginx, as an app sees Keyfair: its proofs name the public URLs
 * (`http://localhost:8080/oauth/token`), never a service's port. A public client registered with
 * `dpop_bound_access_tokens` binds its code with `dpop_jkt`, gets a DPoP token and a bound refresh
 * token, and calls userinfo with the DPoP scheme; a proof sent with a pushed request binds the code
 * in authorize-service for token-service; and one proof is spent once across both token-service
 * instances.
 */
class DpopIT {

    private static final String FIRST = "http://127.0.0.1:8082";
    private static final String SECOND = "http://127.0.0.1:8092";

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    /** The app's key pair and the proofs it signs with it (ES256). */
    private record DpopKey(ECKey key) {
        static DpopKey generate() throws Exception {
            return new DpopKey(new ECKeyGenerator(Curve.P_256).generate());
        }

        String jkt() throws Exception {
            return key.toPublicJWK().computeThumbprint().toString();
        }

        String proof(String method, String url, String accessToken) throws Exception {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method)
                    .claim("htu", url).issueTime(new Date());
            if (accessToken != null) {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
                claims.claim("ath", Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                    .jwk(key.toPublicJWK()).build(), claims.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        }
    }

    private static String tokenUrl() {
        return Stack.ISSUER + "/oauth/token";
    }

    private static String cnfJkt(String accessToken) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> cnf = (Map<String, Object>) SignedJWT.parse(accessToken).getJWTClaimsSet().getClaim("cnf");
        return (String) cnf.get("jkt");
    }

    @Test
    void aPublicDpopAppSignsInRefreshesAndCallsUserinfoWithItsKey() throws Exception {
        Map<String, Object> metadata = Fixtures.metadata();
        metadata.put("token_endpoint_auth_method", "none");
        metadata.put("dpop_bound_access_tokens", true);
        Client app = Fixtures.approved(metadata);
        DpopKey key = DpopKey.generate();

        Fixtures.User user = Fixtures.user();
        Outcome o = Flow.authorize(new Browser(), app, user, "openid profile", "approve", Map.of("dpop_jkt", key.jkt()));
        Response tokens = given().contentType("application/x-www-form-urlencoded").header("DPoP", key.proof("POST", tokenUrl(), null))
                .formParam("grant_type", "authorization_code").formParam("client_id", app.id()).formParam("code", o.code())
                .formParam("redirect_uri", Fixtures.REDIRECT_URI).formParam("code_verifier", o.verifier()).post("/oauth/token");
        tokens.then().statusCode(200).body("token_type", equalTo("DPoP"));
        String access = tokens.path("access_token");
        assertEquals(key.jkt(), cnfJkt(access));

        String userinfoUrl = Stack.ISSUER + "/oauth/userinfo";
        given().header("Authorization", "DPoP " + access).header("DPoP", key.proof("GET", userinfoUrl, access))
                .get("/oauth/userinfo").then().statusCode(200).body("sub", equalTo(user.id()));
        given().auth().oauth2(access).get("/oauth/userinfo").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("DPoP "));

        Calls.introspectAsAdmin(access).then().statusCode(200).body("token_type", equalTo("DPoP"))
                .body("cnf.jkt", equalTo(key.jkt()));

        // the refresh token is bound: refused without a proof, granted with one of the same key
        String refreshToken = tokens.path("refresh_token");
        given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
                .formParam("client_id", app.id()).formParam("refresh_token", refreshToken).post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_dpop_proof"));
        Response refreshed = given().contentType("application/x-www-form-urlencoded").header("DPoP", key.proof("POST", tokenUrl(), null))
                .formParam("grant_type", "refresh_token").formParam("client_id", app.id()).formParam("refresh_token", refreshToken)
                .post("/oauth/token");
        refreshed.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(key.jkt(), cnfJkt(refreshed.path("access_token")));
    }

    @Test
    void discoveryThroughNginxListsTheProofAlgorithms() {
        List<String> algs = given().get("/.well-known/openid-configuration").then().statusCode(200)
                .extract().path("dpop_signing_alg_values_supported");
        for (String alg : List.of("ES256", "RS256", "PS256", "EdDSA")) {
            assertEquals(true, algs.contains(alg), alg + " in " + algs);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void oneProofIsAcceptedByOneTokenServiceInstanceAndRefusedByTheOther() throws Exception {
        Assumptions.assumeTrue(listening(8092), "a second token-service instance on :8092 (KEYFAIR_TOKEN_REPLICAS=2)");
        Client machine = Fixtures.approved(Fixtures.machineMetadata());
        // both instances judge htu against the issuer's public URL, so the same proof is valid at either
        String proof = DpopKey.generate().proof("POST", tokenUrl(), null);
        given().baseUri(FIRST).auth().preemptive().basic(machine.id(), machine.secret()).header("DPoP", proof)
                .contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials").post("/oauth/token")
                .then().statusCode(200).body("token_type", equalTo("DPoP"));
        given().baseUri(SECOND).auth().preemptive().basic(machine.id(), machine.secret()).header("DPoP", proof)
                .contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials").post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_dpop_proof"));
    }

    @Test
    void aClientRegisteredForDpopIsRefusedWithoutAProofThroughNginx() {
        Map<String, Object> metadata = Fixtures.machineMetadata();
        metadata.put("dpop_bound_access_tokens", true);
        Client machine = Fixtures.approved(metadata);
        admin().get("/admin/clients/" + machine.id()).then().statusCode(200).body("dpop_bound_access_tokens", equalTo(true));
        given().auth().preemptive().basic(machine.id(), machine.secret()).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials").post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_dpop_proof"));
    }

    /**
     * Pushes an authorization request to `/oauth/par` through nginx with a proof of `key` (a public
     * client: `client_id` in the body), signs the user in on the pushed request and returns the
     * outcome with the code.
     */
    private static Outcome pushedWithProof(Client app, DpopKey key) throws Exception {
        String[] pkce = Flow.pkce();
        Map<String, String> params = Flow.request(app, "openid", pkce[1], Map.of());
        String requestUri = given().contentType("application/x-www-form-urlencoded").header("DPoP", key.proof("POST", Stack.ISSUER + "/oauth/par", null))
                .formParams(params).post("/oauth/par").then().statusCode(201).extract().path("request_uri");
        Browser browser = new Browser();
        Browser.Page page = browser.follow(browser.get(Flow.authorizeUri(Map.of("client_id", app.id(), "request_uri", requestUri))),
                Fixtures.REDIRECT_URI);
        Fixtures.User user = Fixtures.user();
        page = browser.follow(browser.submit(page.form("password"), Map.of("username", user.username(), "password", user.password())),
                Fixtures.REDIRECT_URI);
        page = browser.follow(browser.submit(page.form("decision"), Map.of("decision", "approve")), Fixtures.REDIRECT_URI);
        return new Outcome(true, true, page, Browser.query(page.location()), pkce[0], params.get("state"), params.get("nonce"));
    }

    private static Response redeem(Client app, Outcome o, DpopKey key) throws Exception {
        return given().contentType("application/x-www-form-urlencoded").header("DPoP", key.proof("POST", tokenUrl(), null))
                .formParam("grant_type", "authorization_code").formParam("client_id", app.id()).formParam("code", o.code())
                .formParam("redirect_uri", Fixtures.REDIRECT_URI).formParam("code_verifier", o.verifier()).post("/oauth/token");
    }

    @Test
    void aProofSentWithAPushedRequestBindsItsCodeAcrossServices() throws Exception {
        Map<String, Object> metadata = Fixtures.metadata();
        metadata.put("token_endpoint_auth_method", "none");
        Client app = Fixtures.approved(metadata);
        DpopKey key = DpopKey.generate();

        // authorize-service kept the proof's thumbprint with the pushed request; token-service holds the code to it
        Response stolen = redeem(app, pushedWithProof(app, key), DpopKey.generate());
        stolen.then().statusCode(400).body("error", equalTo("invalid_grant"));

        Response tokens = redeem(app, pushedWithProof(app, key), key);
        tokens.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(key.jkt(), cnfJkt(tokens.path("access_token")));
    }
}
