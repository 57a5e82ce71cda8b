package io.keyfair.userinfo;

import static io.keyfair.userinfo.Challenges.assertNoLeak;
import static io.keyfair.userinfo.Challenges.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;

import io.keyfair.common.keys.SigningKeys;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.testing.TestUsers.Created;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.common.token.TokenType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** Every way userinfo refuses a request (RFC 6750 §3.1), each with its status, challenge and body. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UserInfoRefusalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    RevocationList revocations;

    @Inject
    SigningKeys keys;

    private static Response get(String token) {
        return given().header("Authorization", "Bearer " + token).get("/oauth/userinfo");
    }

    /** 401, `Bearer error="invalid_token", error_description="…"`, the same in the JSON body. */
    private static void assertInvalidToken(Response r) {
        r.then().statusCode(401)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_token"))
                .body("error_description", not(emptyOrNullString()));
        Map<String, String> challenge = bearer(r);
        assertEquals("invalid_token", challenge.get("error"));
        assertNotNull(challenge.get("error_description"), "error_description in the challenge");
        assertNoLeak(r);
    }

    /** 403 with `Bearer error="insufficient_scope"`. */
    private static Map<String, String> assertInsufficientScope(Response r) {
        r.then().statusCode(403)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo("insufficient_scope"))
                .body("error_description", not(emptyOrNullString()));
        Map<String, String> challenge = bearer(r);
        assertEquals("insufficient_scope", challenge.get("error"));
        assertNoLeak(r);
        return challenge;
    }

    private static void assertInvalidRequest(Response r) {
        r.then().statusCode(400)
                .contentType(startsWith("application/json"))
                .body("error", equalTo("invalid_request"))
                .body("error_description", not(emptyOrNullString()));
        assertNoLeak(r);
    }

    private String validToken(Created user) {
        return TestTokens.forUser(user.id()).scope("openid profile").sign(signer);
    }

    @Test
    void missingTokenGivesABareChallengeWithoutErrorCode() {
        Response r = given().get("/oauth/userinfo");
        r.then().statusCode(401);
        Map<String, String> challenge = bearer(r);
        assertFalse(challenge.containsKey("error"), "no error code when no token was sent: " + challenge);
        assertEquals("keyfair", challenge.get("realm"));
        assertNoLeak(r);
    }

    @Test
    void missingTokenOnPostGivesABareChallengeToo() {
        Response r = given().contentType("application/x-www-form-urlencoded").body("").post("/oauth/userinfo");
        r.then().statusCode(401);
        assertFalse(bearer(r).containsKey("error"));
    }

    @Test
    void anotherAuthorizationSchemeCountsAsNoToken() {
        Response r = given().auth().preemptive().basic("someone", "secret").get("/oauth/userinfo");
        r.then().statusCode(401);
        assertFalse(bearer(r).containsKey("error"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "garbage",
            "a.b.c",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            // alg none, RFC 8725 §3.1
            "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4IiwiaXNzIjoiaHR0cDovL2xvY2FsaG9zdDo4MDgwIn0." })
    void malformedTokenGivesInvalidToken(String token) {
        assertInvalidToken(get(token));
    }

    @Test
    void expiredTokenGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        long now = System.currentTimeMillis() / 1000;
        assertInvalidToken(get(TestTokens.forUser(user.id()).lifetime(now - 3600, now - 1).sign(signer)));
    }

    @Test
    void tokenSignedByAnUnknownKeyGivesInvalidToken() throws Exception {
        Created user = TestUsers.user().create(pool);
        JWK stranger = TestTokens.strangerKey();
        assertInvalidToken(get(TestTokens.forUser(user.id()).signWith(stranger, stranger.getKeyID(), TokenSigner.ACCESS_TOKEN_TYPE)));
    }

    @Test
    void tokenForgedUnderAKnownKidGivesInvalidToken() throws Exception {
        Created user = TestUsers.user().create(pool);
        String genuine = validToken(user);
        String knownKid = com.nimbusds.jwt.SignedJWT.parse(genuine).getHeader().getKeyID();
        JWK stranger = TestTokens.strangerKey();
        assertInvalidToken(get(TestTokens.forUser(user.id()).signWith(stranger, knownKid, TokenSigner.ACCESS_TOKEN_TYPE)));
    }

    @Test
    void tokenOfAnotherIssuerGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        assertInvalidToken(get(TestTokens.forUser(user.id()).issuer("https://elsewhere.example").sign(signer)));
    }

    @Test
    void tokenForAnotherAudienceGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        assertInvalidToken(get(TestTokens.forUser(user.id()).audience("https://api.elsewhere.example").sign(signer)));
    }

    @Test
    void idTokenPresentedAsAccessTokenGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        long now = System.currentTimeMillis() / 1000;
        // an ID token: typ JWT, signed by our own key, with every claim an access token has
        String idToken = TestTokens.forUser(user.id()).clientId("c").lifetime(now - 10, now + 3600).signAs(TokenType.ID_TOKEN, signer);
        assertInvalidToken(get(idToken));
    }

    private RSAKey activeKey() {
        return (RSAKey) keys.required().active(JWSAlgorithm.RS256).orElseThrow().jwk();
    }

    private String header(String extra) {
        return "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + activeKey().getKeyID() + "\"" + extra + "}";
    }

    @Test
    void theSameTokenWrittenByHandIsAccepted() throws Exception {
        // the control for the hand-written refusals below
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        get(TestTokens.signRaw(activeKey(), header(""), t.claimsJson())).then().statusCode(200)
                .body("sub", equalTo(user.id()));
    }

    @Test
    void criticalHeaderExtensionGivesInvalidToken() throws Exception {
        // RFC 7515 §4.1.11: an extension we do not understand, marked critical
        Created user = TestUsers.user().create(pool);
        String token = TestTokens.signRaw(activeKey(), header(",\"crit\":[\"urn:example:policy\"],\"urn:example:policy\":1"),
                TestTokens.forUser(user.id()).claimsJson());
        assertInvalidToken(get(token));
    }

    @Test
    void duplicateClaimGivesInvalidToken() throws Exception {
        // RFC 7519 §4: duplicate member names are rejected, so no parser can read another subject
        Created user = TestUsers.user().create(pool);
        Created other = TestUsers.user().create(pool);
        String claims = TestTokens.forUser(user.id()).claimsJson();
        claims = claims.substring(0, claims.length() - 1) + ",\"sub\":\"" + other.id() + "\"}";
        assertInvalidToken(get(TestTokens.signRaw(activeKey(), header(""), claims)));
    }

    @Test
    void paddedBase64urlGivesInvalidToken() throws Exception {
        Created user = TestUsers.user().create(pool);
        String[] parts = validToken(user).split("\\.");
        assertInvalidToken(get(parts[0] + "." + parts[1] + "==." + parts[2]));
        assertInvalidToken(get(parts[0] + "." + parts[1] + "." + parts[2] + ".x"));
    }

    @Test
    void mediaTypeFormOfTheTypeAndAnAudienceArrayAreAccepted() throws Exception {
        // RFC 9068 §4: "application/at+jwt" is the same type; RFC 7519 §4.1.3: aud may be an array
        Created user = TestUsers.user().create(pool);
        String claims = TestTokens.forUser(user.id()).scope("openid profile").claimsJson()
                .replace("\"aud\":\"" + TestTokens.ISSUER + "\"", "\"aud\":[\"https://api.elsewhere.example\",\"" + TestTokens.ISSUER + "\"]");
        String header = "{\"alg\":\"RS256\",\"typ\":\"application/AT+JWT\",\"kid\":\"" + activeKey().getKeyID() + "\"}";
        get(TestTokens.signRaw(activeKey(), header, claims)).then().statusCode(200).body("sub", equalTo(user.id()));
    }

    @Test
    void revokedTokenGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id()).scope("openid profile");
        String token = t.sign(signer);
        get(token).then().statusCode(200);
        revocations.revoke(t.jti(), t.expiresAt()).await().atMost(WAIT);
        assertInvalidToken(get(token));
    }

    @Test
    void revokedGrantGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        String token = t.sign(signer);
        get(token).then().statusCode(200);
        revocations.revokeGrant(t.grantId(), "revoked").await().atMost(WAIT);
        assertInvalidToken(get(token));
    }

    @Test
    void clientCutOffGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        String token = t.sign(signer);
        get(token).then().statusCode(200);
        revocations.revokeAllOfClient(t.clientId(), "client_suspended").await().atMost(WAIT); // suspension or deletion
        assertInvalidToken(get(token));
    }

    @Test
    void userClientCutOffGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        String token = t.sign(signer);
        get(token).then().statusCode(200);
        revocations.removeConnection(t.clientId(), user.id(), Initiator.USER).await().atMost(WAIT); // connection removed
        assertInvalidToken(get(token));
    }

    @Test
    void revokedTokenWithoutOpenidStillGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id()).scope("profile");
        revocations.revoke(t.jti(), t.expiresAt()).await().atMost(WAIT);
        assertInvalidToken(get(t.sign(signer)));
    }

    @Test
    void tokenWithoutOpenidGivesInsufficientScope() {
        Created user = TestUsers.user().create(pool);
        Map<String, String> challenge = assertInsufficientScope(get(TestTokens.forUser(user.id()).scope("profile email").sign(signer)));
        assertEquals("openid", challenge.get("scope"));
    }

    @Test
    void clientCredentialsTokenIsForbidden() {
        assertInsufficientScope(get(TestTokens.forClient().scope("openid profile").sign(signer)));
    }

    @Test
    void tokenOfADeletedUserGivesInvalidToken() {
        Created user = TestUsers.user().create(pool);
        String token = validToken(user);
        TestUsers.delete(pool, user.id());
        assertInvalidToken(get(token));
    }

    @Test
    void userDeletedAfterAnswerIsRefusedWithinFiveSeconds() {
        Created user = TestUsers.user().create(pool);
        String token = validToken(user);
        get(token).then().statusCode(200); // the claims may now be cached
        TestUsers.delete(pool, user.id());
        Awaitility.await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(token).statusCode() == 401);
        assertInvalidToken(get(token));
    }

    @Test
    void tokenInBothHeaderAndFormGivesInvalidRequest() {
        Created user = TestUsers.user().create(pool);
        String token = validToken(user);
        assertInvalidRequest(given().header("Authorization", "Bearer " + token)
                .contentType("application/x-www-form-urlencoded").formParam("access_token", token).post("/oauth/userinfo"));
    }

    @Test
    void tokenTwiceInTheFormGivesInvalidRequest() {
        Created user = TestUsers.user().create(pool);
        String token = validToken(user);
        assertInvalidRequest(given().contentType("application/x-www-form-urlencoded")
                .formParam("access_token", token).formParam("access_token", token).post("/oauth/userinfo"));
    }

    @Test
    void authorizationHeaderTwiceGivesInvalidRequest() {
        Created user = TestUsers.user().create(pool);
        String token = validToken(user);
        assertInvalidRequest(given().header("Authorization", "Bearer " + token).header("Authorization", "Bearer " + token)
                .get("/oauth/userinfo"));
    }

    @Test
    void tokenInTheQueryGivesInvalidRequest() {
        Created user = TestUsers.user().create(pool);
        assertInvalidRequest(given().queryParam("access_token", validToken(user)).get("/oauth/userinfo"));
    }
}
