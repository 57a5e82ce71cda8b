package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.code.AuthorizationCodes.Redemption;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class CodeFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    private AuthorizationCode redeem(String code) {
        Redemption r = codes.redeem(code).await().atMost(WAIT);
        return assertInstanceOf(Redemption.Redeemed.class, r, "the code is in Redis, unused").code();
    }

    private Row consentRow(String userId, String clientId) {
        var rows = pool.preparedQuery("select scope, revoked_at, first_granted_at from consents where user_id = $1::uuid and client_id = $2")
                .execute(Tuple.of(userId, clientId)).await().atMost(WAIT);
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    @Test
    void loginThenConsentApprovedIssuesACodeBoundToTheRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Map<String, String> p = params(client, "openid profile email");

        Response toLogin = browser.authorize(p);
        toLogin.then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
        Response login = browser.follow(toLogin);
        login.then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("<form method=\"post\""))
                .body(containsString("name=\"username\""))
                .body(containsString("type=\"password\" id=\"password\" name=\"password\""))
                .body(containsString(client.name()));
        assertNotNull(Browser.hidden(login.asString()).get("csrf"), "hidden CSRF input");

        Response toConsent = browser.login(login, user);
        toConsent.then().statusCode(303).header("Location", startsWith(TestTokens.ISSUER + "/consent?req="));
        Response consent = browser.follow(toConsent);
        consent.then().statusCode(200)
                .body(containsString(client.name()))
                .body(containsString("<img src=\"https://cdn.example.com/logo.png\""))
                .body(containsString("href=\"https://app.example/tos\""))
                .body(containsString("href=\"https://app.example/privacy\""))
                .body(containsString("Your name and username"))
                .body(containsString("Your email address and whether it is verified"))
                .body(containsString("Syncs your listings"))
                .body(containsString("<button type=\"submit\" name=\"decision\" value=\"approve\""))
                .body(containsString("<button type=\"submit\" name=\"decision\" value=\"deny\""));

        Response done = browser.submit(consent, Map.of("decision", "approve"));
        done.then().statusCode(303).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> cb = Browser.callback(done);
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        assertTrue(cb.get("code").length() >= 32, "at least 128 bits");

        AuthorizationCode bound = redeem(cb.get("code"));
        assertEquals(client.clientId(), bound.clientId());
        assertEquals(client.redirectUri(), bound.redirectUri());
        assertEquals(client.redirectUri(), bound.effectiveRedirectUri());
        assertEquals(List.of("openid", "profile", "email"), bound.scopes());
        assertEquals(p.get("nonce"), bound.nonce());
        assertEquals(p.get("code_challenge"), bound.codeChallenge());
        assertEquals("S256", bound.codeChallengeMethod());
        assertEquals(user.id(), bound.userId());
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - bound.authTime()) < 60);
        assertEquals(32, bound.grantId().length());
        assertEquals("openid profile email", consentRow(user.id(), client.clientId()).getString("scope"));
    }

    @Test
    void denyRedirectsWithAccessDeniedStateAndIssAndNoCode() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> p = params(client, "openid profile");
        Map<String, String> cb = new Browser().authorizeThrough(p, user, "deny");
        assertEquals("access_denied", cb.get("error"));
        assertNotNull(cb.get("error_description"));
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        assertNull(cb.get("code"));
        assertNull(consentRow(user.id(), client.clientId()), "nothing was granted");
    }

    @Test
    void rememberedConsentSkipsLoginAndConsentInTheSameSession() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        assertNotNull(browser.authorizeThrough(params(client, "openid profile"), user, "approve").get("code"));

        Map<String, String> p = params(client, "openid profile");
        Response again = browser.authorize(p);
        again.then().statusCode(302).header("Location", startsWith(client.redirectUri()));
        Map<String, String> cb = Browser.callback(again);
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(List.of("openid", "profile"), redeem(cb.get("code")).scopes());
    }

    @Test
    void rememberedConsentSkipsConsentAfterANewLogin() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        new Browser().authorizeThrough(params(client, "openid profile"), user, "approve");

        Browser other = new Browser();
        Response login = other.follow(other.authorize(params(client, "profile")));
        Response afterLogin = other.login(login, user);
        afterLogin.then().statusCode(303).header("Location", startsWith(client.redirectUri()));
        assertNotNull(Browser.callback(afterLogin).get("code"));
    }

    @Test
    void aScopeNotGrantedBeforeAsksAgainAndShowsOnlyItAsNew() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid profile"), user, "approve");

        Response consent = browser.follow(browser.authorize(params(client, "openid profile email")));
        consent.then().statusCode(200).body(containsString("name=\"decision\""));
        String html = consent.asString();
        int asked = html.indexOf("It now also asks to");
        int granted = html.indexOf("You already allowed it to");
        assertTrue(asked > 0 && granted > asked, html);
        String newPart = html.substring(asked, granted);
        assertTrue(newPart.contains("(email)") && !newPart.contains("(profile)"), newPart);
        assertTrue(html.substring(granted).contains("(profile)"));

        Map<String, String> cb = Browser.callback(browser.submit(consent, Map.of("decision", "approve")));
        assertEquals(List.of("openid", "profile", "email"), redeem(cb.get("code")).scopes());
        assertEquals("email openid profile", consentRow(user.id(), client.clientId()).getString("scope"));
    }

    @Test
    void promptConsentShowsTheConsentPageDespiteARememberedGrant() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        Response r = browser.authorize(params(client, "openid", "prompt", "consent"));
        r.then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/consent?req="));
    }

    @Test
    void trustedClientSkipsConsentAndStillRecordsTheGrant() {
        TestClients.Created client = TestClients.thirdParty().trusted("").create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response login = browser.follow(browser.authorize(params(client, "openid profile")));
        Response done = browser.login(login, user);
        done.then().statusCode(303).header("Location", startsWith(client.redirectUri()));
        assertNotNull(Browser.callback(done).get("code"));
        Row grant = consentRow(user.id(), client.clientId());
        assertNotNull(grant, "the trusted app shows on /account/apps");
        assertEquals("openid profile", grant.getString("scope"));
    }

    @Test
    void trustedClientWithFrameAncestorsMayFrameTheAuthorizeEndpoint() {
        TestClients.Created client = TestClients.thirdParty().trusted("https://shop.example https://admin.shop.example").create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        // transparent re-authorization, as from an invisible iframe
        Response r = browser.authorize(params(client, "openid", "prompt", "none"));
        r.then().statusCode(302)
                .header("Content-Security-Policy", startsWith("frame-ancestors https://shop.example https://admin.shop.example;"))
                .header("X-Frame-Options", nullValue());
        assertNotNull(Browser.callback(r).get("code"));
    }

    @Test
    void everyOtherResponseForbidsFraming() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestClients.Created trustedWithoutAncestors = TestClients.thirdParty().trusted("").create(pool);
        Browser browser = new Browser();
        Response authorize = browser.authorize(params(client, "openid"));
        Response login = browser.follow(authorize);
        Response trusted = browser.authorize(params(trustedWithoutAncestors, "openid"));
        Response errorPage = browser.authorize(Map.of("client_id", "f".repeat(32)));
        for (Response r : List.of(authorize, login, trusted, errorPage)) {
            r.then().header("X-Frame-Options", "DENY")
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "same-origin")
                    .header("Cache-Control", containsString("no-store"));
        }
    }

    @Test
    void promptNoneWithoutSessionGivesLoginRequiredWithoutAnyPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid", "prompt", "none");
        Response r = new Browser().authorize(p);
        r.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> cb = Browser.callback(r);
        assertEquals("login_required", cb.get("error"));
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
    }

    @Test
    void promptNoneWithSessionButNoConsentGivesConsentRequired() {
        TestClients.Created a = TestClients.thirdParty().create(pool);
        TestClients.Created b = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(a, "openid"), user, "approve");
        Map<String, String> p = params(b, "openid profile", "prompt", "none");
        Map<String, String> cb = Browser.callback(browser.authorize(p));
        assertEquals("consent_required", cb.get("error"));
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
    }

    @Test
    void dpopJktBindsTheCodeToTheKey() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        String jkt = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
        Map<String, String> cb = new Browser().authorizeThrough(params(client, "openid", "dpop_jkt", jkt), user, "approve");
        assertEquals(jkt, redeem(cb.get("code")).dpopJkt());
    }

    @Test
    void withoutDpopJktTheCodeIsBoundToNoKey() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> cb = new Browser().authorizeThrough(params(client, "openid"), user, "approve");
        assertEquals(null, redeem(cb.get("code")).dpopJkt());
    }

    @Test
    void promptNoneWithSessionAndGrantIssuesACode() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        Map<String, String> cb = Browser.callback(browser.authorize(params(client, "openid", "prompt", "none")));
        assertEquals(user.id(), redeem(cb.get("code")).userId());
    }

    @Test
    void promptLoginShowsTheLoginPageDespiteASessionAndRenewsAuthTime() throws InterruptedException {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        long first = redeem(browser.authorizeThrough(params(client, "openid"), user, "approve").get("code")).authTime();
        Thread.sleep(1100);
        Response r = browser.authorize(params(client, "openid", "prompt", "login"));
        r.then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
        Response done = browser.login(browser.follow(r), user);
        long second = redeem(Browser.callback(done).get("code")).authTime();
        assertTrue(second > first, "a new login: auth_time " + first + " → " + second);
    }

    @Test
    void maxAgeExceededShowsTheLoginPage() throws InterruptedException {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        Thread.sleep(1100);
        browser.authorize(params(client, "openid", "max_age", "0"))
                .then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
        browser.authorize(params(client, "openid", "max_age", "3600"))
                .then().statusCode(302).header("Location", startsWith(client.redirectUri()));
    }

    @Test
    void dedicatedAppIsAuthorizedByItsOwner() {
        TestUsers.Created owner = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().dedicatedTo(owner.id()).create(pool);
        Map<String, String> cb = new Browser().authorizeThrough(params(client, "openid"), owner, "approve");
        assertEquals(owner.id(), redeem(cb.get("code")).userId());
    }

    @Test
    void dedicatedAppAuthorizedByAnyoneElseGivesAccessDenied() {
        TestUsers.Created owner = TestUsers.user().create(pool);
        TestUsers.Created other = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().dedicatedTo(owner.id()).create(pool);
        Map<String, String> p = params(client, "openid");
        Map<String, String> cb = new Browser().authorizeThrough(p, other, "approve");
        assertEquals("access_denied", cb.get("error"));
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        assertNull(cb.get("code"));
        assertNull(consentRow(other.id(), client.clientId()));
    }

    @Test
    void dedicatedAppWithoutAnOwnerIsAuthorizedByNobody() {
        // the registry refuses such an app today; one stored before that rule must not be open to all
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().dedicatedTo(null).create(pool);
        Map<String, String> cb = new Browser().authorizeThrough(params(client, "openid"), user, "approve");
        assertEquals("access_denied", cb.get("error"));
        assertNull(cb.get("code"));
    }

    @Test
    void postAuthorizationRequestWorksLikeGet() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        Map<String, String> p = params(client, "openid");
        Response r = browser.post("/oauth/authorize", p);
        r.then().statusCode(302).header("Location", startsWith(client.redirectUri()));
        Map<String, String> cb = Browser.callback(r);
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(p.get("nonce"), redeem(cb.get("code")).nonce());

        // without the session cookie (a cross-site POST carries none) it starts at the login page
        new Browser().post("/oauth/authorize", params(client, "openid"))
                .then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    @Test
    void publicClientWithPkceCompletesTheFlow() {
        TestClients.Created client = TestClients.publicClient().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> p = params(client, "openid profile");
        AuthorizationCode code = redeem(new Browser().authorizeThrough(p, user, "approve").get("code"));
        assertEquals(p.get("code_challenge"), code.codeChallenge());
    }

    @Test
    void omittedRedirectUriUsesTheOnlyRegisteredOneAndTheCodeRecordsItsAbsence() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> cb = new Browser().authorizeThrough(params(client, "openid", "redirect_uri", null), user, "approve");
        AuthorizationCode code = redeem(cb.get("code"));
        assertNull(code.redirectUri());
        assertEquals(client.redirectUri(), code.effectiveRedirectUri());
    }

    @Test
    void registeredRedirectUriQueryIsKept() {
        TestClients.Created client = TestClients.thirdParty().redirectUris("http://127.0.0.1:9/cb?tenant=north").create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response login = browser.follow(browser.authorize(params(client, "openid")));
        Response consent = browser.follow(browser.login(login, user));
        Response done = browser.submit(consent, Map.of("decision", "approve"));
        done.then().header("Location", startsWith("http://127.0.0.1:9/cb?tenant=north&code="));
        assertEquals("north", Browser.callback(done).get("tenant"));
    }

    @Test
    void missingScopeAsksForTheClientsRegisteredScopesExceptAdmin() {
        TestClients.Created client = TestClients.thirdParty().scope("openid profile admin").create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> cb = new Browser().authorizeThrough(params(client, null, "scope", null), user, "approve");
        assertEquals(List.of("openid", "profile"), redeem(cb.get("code")).scopes());
    }

    @Test
    void consentFormPostedTwiceIssuesOneCode() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response consent = browser.follow(browser.login(browser.follow(browser.authorize(params(client, "openid"))), user));
        assertNotNull(Browser.callback(browser.submit(consent, Map.of("decision", "approve"))).get("code"));
        Response again = browser.submit(consent, Map.of("decision", "approve"));
        again.then().statusCode(400).contentType(startsWith("text/html")).header("Location", nullValue());
    }

    @Test
    void consentWithoutTheCsrfTokenIsRefusedAndIssuesNoCode() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response consent = browser.follow(browser.login(browser.follow(browser.authorize(params(client, "openid"))), user));
        Response forged = browser.submit(consent, Map.of("decision", "approve", "csrf", "0".repeat(64)));
        forged.then().statusCode(403).header("Location", nullValue()).body(containsString("name=\"decision\""));
        assertNull(consentRow(user.id(), client.clientId()));
        // the real form still works
        assertNotNull(Browser.callback(browser.submit(forged, Map.of("decision", "approve"))).get("code"));
    }

    @Test
    void consentFromAnotherOriginIsRefused() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response consent = browser.follow(browser.login(browser.follow(browser.authorize(params(client, "openid"))), user));
        Map<String, String> form = new HashMap<>(Browser.hidden(consent.asString()));
        form.put("decision", "approve");
        io.restassured.RestAssured.given().redirects().follow(false).cookies(browser.cookies)
                .contentType("application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                .formParams(form).post("/consent")
                .then().statusCode(403).header("Location", nullValue());
        assertFalse(consentRow(user.id(), client.clientId()) != null);
    }
}
