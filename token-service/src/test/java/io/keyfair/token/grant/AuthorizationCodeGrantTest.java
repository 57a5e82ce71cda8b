package io.keyfair.token.grant;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.token.TokenCalls.Pkce;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AuthorizationCodeGrantTest {

    private static final List<String> OPENID_PROFILE = List.of("openid", "profile");

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    private Created client() {
        return TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid profile email").create(pool);
    }

    private static void assertInvalidGrant(Response r) {
        r.then().statusCode(400).header("Cache-Control", "no-store").body("error", equalTo("invalid_grant"));
    }

    @Test
    void exchangeGivesAccessRefreshAndIdTokenBoundToTheCode() throws Exception {
        Created client = client();
        String user = TestUsers.user().create(pool).id();
        Pkce pkce = Pkce.random();
        Response r = exchange(client, code(codes, client, user, OPENID_PROFILE, "n-0S6_WzA2Mj", pkce), pkce);
        r.then().statusCode(200).header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .body("token_type", equalTo("Bearer")).body("scope", equalTo("openid profile"))
                .body("expires_in", equalTo(3600))
                .body("refresh_token", not(emptyOrNullString())).body("id_token", not(emptyOrNullString()));
        SignedJWT access = SignedJWT.parse(r.path("access_token"));
        assertEquals(user, access.getJWTClaimsSet().getSubject());
        SignedJWT id = SignedJWT.parse(r.path("id_token"));
        JWKSet jwks = JWKSet.parse(RestAssured.get("/oauth/jwks").asString());
        assertTrue(id.verify(new RSASSAVerifier((RSAKey) jwks.getKeyByKeyId(id.getHeader().getKeyID()))));
        JWTClaimsSet claims = id.getJWTClaimsSet();
        assertEquals("http://localhost:8080", claims.getIssuer());
        assertEquals(user, claims.getSubject());
        assertEquals(List.of(client.clientId()), claims.getAudience());
        assertEquals("n-0S6_WzA2Mj", claims.getStringClaim("nonce"));
        assertTrue(claims.getLongClaim("auth_time") > 0);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(access.serialize().getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)), claims.getStringClaim("at_hash"));
    }

    @Test
    void codeUsedTwiceGivesInvalidGrantAndRevokesItsTokens() {
        Created client = client();
        Pkce pkce = Pkce.random();
        String code = code(codes, client, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, pkce);
        Response first = exchange(client, code, pkce);
        first.then().statusCode(200);
        introspect(client, first.path("access_token")).then().body("active", equalTo(true));
        assertInvalidGrant(exchange(client, code, pkce));
        introspect(client, first.path("access_token")).then().statusCode(200).body("active", equalTo(false));
        assertInvalidGrant(token(client, "grant_type", "refresh_token", "refresh_token", first.path("refresh_token")));
    }

    @Test
    void wrongOrMissingCodeVerifierGivesInvalidGrant() {
        Created client = client();
        String user = TestUsers.user().create(pool).id();
        Pkce pkce = Pkce.random();
        assertInvalidGrant(exchange(client, code(codes, client, user, OPENID_PROFILE, null, pkce), Pkce.random()));
        assertInvalidGrant(exchange(client, code(codes, client, user, OPENID_PROFILE, null, pkce), null));
    }

    @Test
    void codeVerifierWithoutChallengeGivesInvalidGrant() {
        Created client = client();
        assertInvalidGrant(exchange(client, code(codes, client, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, null), Pkce.random()));
    }

    @Test
    void redirectUriMustMatchTheAuthorizationRequest() {
        Created client = client();
        String code = code(codes, client, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, null);
        assertInvalidGrant(token(client, "grant_type", "authorization_code", "code", code, "redirect_uri", "https://app.example/other"));
        Created other = client();
        String second = code(codes, other, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, null);
        assertInvalidGrant(token(other, "grant_type", "authorization_code", "code", second));
    }

    @Test
    void codeIssuedToAnotherClientGivesInvalidGrant() {
        Created owner = client();
        Created thief = client();
        String code = code(codes, owner, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, null);
        assertInvalidGrant(exchange(thief, code, null));
    }

    @Test
    void unknownCodeGivesInvalidGrantAndMissingCodeInvalidRequest() {
        Created client = client();
        assertInvalidGrant(exchange(client, "0".repeat(64), null));
        token(client, "grant_type", "authorization_code", "redirect_uri", TestClients.REDIRECT_URI)
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void publicClientRedeemsWithPkceAlone() {
        Created app = TestClients.publicClient().scope("openid profile").create(pool);
        Pkce pkce = Pkce.random();
        exchange(app, code(codes, app, TestUsers.user().create(pool).id(), OPENID_PROFILE, null, pkce), pkce)
                .then().statusCode(200).body("refresh_token", not(emptyOrNullString()));
    }

    @Test
    void withoutRefreshGrantOrOpenidThereIsNoRefreshOrIdToken() {
        Created client = TestClients.confidential().grantTypes("authorization_code").scope("openid profile").create(pool);
        exchange(client, code(codes, client, TestUsers.user().create(pool).id(), List.of("profile"), null, null), null)
                .then().statusCode(200).body("refresh_token", nullValue()).body("id_token", nullValue())
                .body("scope", equalTo("profile"));
    }

    @Test
    void codeOfADeletedUserGivesInvalidGrant() {
        Created client = client();
        String user = TestUsers.user().create(pool).id();
        String code = code(codes, client, user, OPENID_PROFILE, null, null);
        TestUsers.delete(pool, user);
        assertInvalidGrant(exchange(client, code, null));
    }

    @Test
    void codeOfADeletedUserGivesInvalidGrantAndNoTokenToAClientWithoutRefreshGrant() {
        Created client = TestClients.confidential().grantTypes("authorization_code").scope("openid profile").create(pool);
        String user = TestUsers.user().create(pool).id();
        String code = code(codes, client, user, OPENID_PROFILE, "n-1", null);
        TestUsers.delete(pool, user);
        Response r = exchange(client, code, null);
        assertInvalidGrant(r);
        r.then().header("Pragma", "no-cache").body("error_description", equalTo("The user of this grant no longer exists"))
                .body("access_token", nullValue()).body("id_token", nullValue());
    }
}
