package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Calls.introspectAsAdmin;
import static io.keyfair.e2e.Calls.refresh;
import static io.keyfair.e2e.Calls.revokeForm;
import static io.keyfair.e2e.Calls.userinfo;
import static io.keyfair.e2e.Fixtures.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/** A seller links an app, across authorize-, token- and userinfo-service, as CONTRACT.md says. */
class CodeFlowIT {

    private static final String SCOPE = "openid profile email seller roles";

    @BeforeAll
    static void stack() {
        Stack.ensureUp();
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> m = Fixtures.metadata();
        m.put(key, value);
        return m;
    }

    @Test
    void sellerLinksAnAppAndTheAppWorksOffline() throws Exception {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Outcome o = Flow.authorize(new Browser(), client, user, SCOPE, "approve", Map.of());
        assertTrue(o.sawLogin() && o.sawConsent());
        assertEquals(o.state(), o.callback().get("state"));
        assertEquals(Stack.ISSUER, o.callback().get("iss"));
        Response tokens = exchange(client, o);
        tokens.then().statusCode(200).header("Cache-Control", "no-store")
                .body("refresh_token", not(emptyOrNullString())).body("id_token", not(emptyOrNullString()));
        SignedJWT id = SignedJWT.parse(tokens.path("id_token"));
        assertEquals(o.nonce(), id.getJWTClaimsSet().getStringClaim("nonce"));
        assertEquals(user.id(), id.getJWTClaimsSet().getSubject());

        userinfo(tokens.path("access_token")).then().statusCode(200)
                .body("sub", equalTo(user.id())).body("preferred_username", equalTo(user.username()))
                .body("email", equalTo(user.username() + "@example.com")).body("seller_verified", equalTo(true))
                .body("seller_since", equalTo("2024-03-01")).body("roles", equalTo(List.of("buyer", "seller")));

        Response refreshed = refresh(client, tokens.path("refresh_token"));
        refreshed.then().statusCode(200);
        assertFalse(refreshed.<String>path("refresh_token").equals(tokens.path("refresh_token")));
        userinfo(refreshed.path("access_token")).then().statusCode(200);

        given().auth().preemptive().basic(client.id(), client.secret()).contentType("application/x-www-form-urlencoded")
                .formParam("token", (String) refreshed.path("access_token")).post("/oauth/revoke").then().statusCode(200);
        userinfo(refreshed.path("access_token")).then().statusCode(401);
    }

    @Test
    void codeUsedTwiceIsRefusedAndWhatItIssuedStopsWorking() {
        Client client = Fixtures.approved(Fixtures.metadata());
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, "approve", Map.of());
        Response first = exchange(client, o);
        first.then().statusCode(200);
        exchange(client, o).then().statusCode(400).body("error", equalTo("invalid_grant"));
        userinfo(first.path("access_token")).then().statusCode(401);
        refresh(client, first.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void reusedRefreshTokenRevokesTheFamily() {
        Client client = Fixtures.approved(with("refresh_grace_seconds", 0));
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, "approve", Map.of());
        Response tokens = exchange(client, o);
        Response next = refresh(client, tokens.path("refresh_token"));
        next.then().statusCode(200);
        refresh(client, tokens.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        refresh(client, next.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        userinfo(next.path("access_token")).then().statusCode(401);
    }

    @Test
    void denyingConsentSendsAccessDeniedWithStateAndIss() {
        Client client = Fixtures.approved(Fixtures.metadata());
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, "deny", Map.of());
        assertEquals("access_denied", o.callback().get("error"));
        assertEquals(o.state(), o.callback().get("state"));
        assertEquals(Stack.ISSUER, o.callback().get("iss"));
        assertNull(o.code());
    }

    @Test
    void trustedClientIsAuthorizedWithoutConsentPage() {
        Client client = Fixtures.approved(with("trusted", true));
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, null, Map.of());
        assertTrue(o.sawLogin());
        assertFalse(o.sawConsent());
        assertNotNull(o.code());
        exchange(client, o).then().statusCode(200);
    }

    @Test
    void rememberedConsentIsNotAskedAgainButANewScopeIs() {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Browser browser = new Browser();
        assertNotNull(Flow.authorize(browser, client, user, "openid profile", "approve", Map.of()).code());
        Outcome again = Flow.authorize(browser, client, user, "openid profile", null, Map.of());
        assertFalse(again.sawLogin() || again.sawConsent());
        assertNotNull(again.code());
        Outcome wider = Flow.authorize(browser, client, user, "openid profile email", "approve", Map.of());
        assertTrue(wider.sawConsent());
        assertNotNull(wider.code());
    }

    @Test
    void promptNoneAnswersLoginRequiredThenConsentRequired() {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Outcome noSession = Flow.authorize(new Browser(), client, user, SCOPE, null, Map.of("prompt", "none"));
        assertEquals("login_required", noSession.callback().get("error"));
        assertEquals(noSession.state(), noSession.callback().get("state"));

        Browser browser = new Browser();
        Client other = Fixtures.approved(Fixtures.metadata());
        assertNotNull(Flow.authorize(browser, other, user, SCOPE, "approve", Map.of()).code());
        Outcome noConsent = Flow.authorize(browser, client, user, SCOPE, null, Map.of("prompt", "none"));
        assertEquals("consent_required", noConsent.callback().get("error"));
        assertNotNull(Flow.authorize(browser, other, user, SCOPE, null, Map.of("prompt", "none")).code());
    }

    @Test
    void publicClientUsesPkceWithoutSecret() {
        Client client = Fixtures.approved(with("token_endpoint_auth_method", "none"));
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, "approve", Map.of());
        given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "authorization_code")
                .formParam("client_id", client.id()).formParam("code", o.code()).formParam("redirect_uri", Fixtures.REDIRECT_URI)
                .formParam("code_verifier", o.verifier()).post("/oauth/token").then().statusCode(200)
                .body("access_token", not(emptyOrNullString()));
        Map<String, String> noChallenge = Flow.request(client, SCOPE, "x", Map.of());
        noChallenge.remove("code_challenge");
        noChallenge.remove("code_challenge_method");
        Page refused = new Browser().get(Flow.authorizeUri(noChallenge));
        assertEquals(302, refused.status());
        assertEquals("invalid_request", Browser.query(refused.location()).get("error"));
    }

    @Test
    void userRevokesTheAppFromTheAccountPage() {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Browser browser = new Browser();
        Outcome o = Flow.authorize(browser, client, user, SCOPE, "approve", Map.of());
        Response tokens = exchange(client, o);
        tokens.then().statusCode(200);

        Page apps = browser.get(URI.create(Stack.ISSUER + "/account/apps"));
        assertEquals(200, apps.status());
        assertTrue(apps.body().contains((String) client.metadata().get("client_name")), "the app is listed");
        Form revoke = revokeForm(apps, client.id());
        Page after = browser.follow(browser.submit(revoke, Map.of()), "never");
        assertEquals(200, after.status());
        assertFalse(after.body().contains((String) client.metadata().get("client_name")), "the app is gone");

        refresh(client, tokens.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        userinfo(tokens.path("access_token")).then().statusCode(401);
        assertTrue(Flow.authorize(browser, client, user, SCOPE, "approve", Map.of()).sawConsent(), "consent is asked again");
    }

    @Test
    void suspendedClientsTokensStopAndItCannotAuthorize() {
        Client client = Fixtures.approved(Fixtures.metadata());
        Outcome o = Flow.authorize(new Browser(), client, Fixtures.user(), SCOPE, "approve", Map.of());
        Response tokens = exchange(client, o);
        admin().post("/admin/clients/" + client.id() + "/suspend").then().statusCode(200);
        userinfo(tokens.path("access_token")).then().statusCode(401);
        Page page = new Browser().get(Flow.authorizeUri(Flow.request(client, SCOPE, Flow.pkce()[1], Map.of())));
        assertEquals(400, page.status());
        assertNull(page.header("Location"));
    }
}
