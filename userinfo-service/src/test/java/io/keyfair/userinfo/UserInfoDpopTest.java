package io.keyfair.userinfo;

import static io.keyfair.userinfo.Challenges.assertNoLeak;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestDpop;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** RFC 9449 §7 at userinfo: a DPoP-bound token works only as `DPoP` with a proof of its key for this request. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UserInfoDpopTest {

    private static final Pattern PARAM = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private record Bound(TestDpop key, String userId, String token) {
    }

    private Bound bound() {
        TestDpop key = TestDpop.es256();
        String user = TestUsers.user().create(pool).id();
        return new Bound(key, user, TestTokens.forUser(user).scope("openid").boundTo(key.jkt()).sign(signer));
    }

    private static Response dpopGet(String token, String proof) {
        return given().header("Authorization", "DPoP " + token).header("DPoP", proof).get("/oauth/userinfo");
    }

    /** 401 with a `DPoP` challenge carrying this error and the algorithms (RFC 9449 §7.1). */
    private static void assertDpopChallenge(Response r, String error) {
        r.then().statusCode(401).header("Cache-Control", "no-store").body("error", equalTo(error));
        String header = r.header("WWW-Authenticate");
        assertNotNull(header, "WWW-Authenticate");
        assertTrue(header.startsWith("DPoP "), "a DPoP challenge: " + header);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        assertEquals(error, params.get("error"));
        assertTrue(params.getOrDefault("algs", "").contains("ES256"), "algs in " + header);
        assertNoLeak(r);
    }

    @Test
    void aBoundTokenWithAProofOfItsKeyGetsTheClaims() {
        Bound b = bound();
        dpopGet(b.token(), b.key().forUserinfo(b.token())).then().statusCode(200).body("sub", equalTo(b.userId()));
    }

    @Test
    void aBoundTokenPostedWithAProofForPostGetsTheClaims() {
        Bound b = bound();
        given().header("Authorization", "DPoP " + b.token())
                .header("DPoP", b.key().proof().htm("POST").htu(TestDpop.USERINFO_URL).ath(b.token()).build())
                .post("/oauth/userinfo").then().statusCode(200).body("sub", equalTo(b.userId()));
    }

    @Test
    void aBoundTokenPresentedAsBearerIsRefusedWithADpopChallenge() {
        Bound b = bound();
        assertDpopChallenge(given().header("Authorization", "Bearer " + b.token()).get("/oauth/userinfo"), "invalid_token");
    }

    @Test
    void aBoundTokenWithoutAProofIsRefused() {
        Bound b = bound();
        assertDpopChallenge(given().header("Authorization", "DPoP " + b.token()).get("/oauth/userinfo"), "invalid_dpop_proof");
    }

    @Test
    void aProofWithoutAthIsRefused() {
        Bound b = bound();
        assertDpopChallenge(dpopGet(b.token(), b.key().proof().htm("GET").htu(TestDpop.USERINFO_URL).build()), "invalid_dpop_proof");
    }

    @Test
    void aProofWhoseAthIsAnotherTokensIsRefused() {
        Bound b = bound();
        assertDpopChallenge(dpopGet(b.token(), b.key().forUserinfo(bound().token())), "invalid_dpop_proof");
    }

    @Test
    void aProofForTheTokenEndpointIsRefused() {
        Bound b = bound();
        assertDpopChallenge(dpopGet(b.token(), b.key().proof().htm("GET").ath(b.token()).build()), "invalid_dpop_proof");
    }

    @Test
    void aProofForAnotherMethodIsRefused() {
        Bound b = bound();
        assertDpopChallenge(dpopGet(b.token(), b.key().proof().htm("POST").htu(TestDpop.USERINFO_URL).ath(b.token()).build()),
                "invalid_dpop_proof");
    }

    @Test
    void aProofByAnotherKeyIsRefused() {
        Bound b = bound();
        assertDpopChallenge(dpopGet(b.token(), TestDpop.es256().forUserinfo(b.token())), "invalid_dpop_proof");
    }

    @Test
    void aProofUsedTwiceIsRefusedTheSecondTime() {
        Bound b = bound();
        String proof = b.key().forUserinfo(b.token());
        dpopGet(b.token(), proof).then().statusCode(200);
        assertDpopChallenge(dpopGet(b.token(), proof), "invalid_dpop_proof");
    }

    @Test
    void aBearerTokenPresentedAsDpopIsRefused() {
        TestDpop key = TestDpop.es256();
        String user = TestUsers.user().create(pool).id();
        String bearer = TestTokens.forUser(user).scope("openid").sign(signer);
        assertDpopChallenge(dpopGet(bearer, key.forUserinfo(bearer)), "invalid_token");
    }

    @Test
    void anExpiredBoundTokenGetsADpopInvalidTokenChallenge() {
        TestDpop key = TestDpop.es256();
        String user = TestUsers.user().create(pool).id();
        String expired = TestTokens.forUser(user).scope("openid").boundTo(key.jkt()).expired().sign(signer);
        assertDpopChallenge(dpopGet(expired, key.forUserinfo(expired)), "invalid_token");
    }
}
