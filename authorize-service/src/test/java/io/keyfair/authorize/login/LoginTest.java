package io.keyfair.authorize.login;

import static io.keyfair.authorize.TestRequests.params;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LoginTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RedisKeys keys;

    @Inject
    ReactiveRedisDataSource redis;

    private Response loginPageFor(Browser browser) {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response page = browser.follow(browser.authorize(params(client, "openid")));
        page.then().statusCode(200);
        return page;
    }

    private static Response typing(Browser browser, Response page, String username, String password) {
        return browser.submit(page, Map.of("username", username, "password", password));
    }

    @Test
    void loginPageHasOnePostFormWithUsernamePasswordAndACsrfTokenInACookie() {
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        String html = page.asString();
        assertEquals(1, html.split("<form", -1).length - 1, "exactly one form");
        assertTrue(html.contains("<form method=\"post\""));
        page.then().contentType(startsWith("text/html")).header("Cache-Control", containsString("no-store"));
        String token = Browser.hidden(html).get("csrf");
        assertNotNull(token);
        assertEquals(token, browser.cookies.get("kf_csrf"), "double submit: the same value in the cookie");
        String setCookie = page.header("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && !setCookie.contains("Secure"), setCookie);
    }

    @Test
    void wrongPasswordShowsTheFormAgainWith401AndStartsNoSession() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response r = typing(browser, loginPageFor(browser), user.username(), user.password() + "x");
        r.then().statusCode(401).contentType(startsWith("text/html"))
                .body(containsString("Incorrect username or password"))
                .body(containsString("name=\"password\""))
                .header("Location", nullValue());
        assertNull(browser.cookies.get("kf_session"));
    }

    @Test
    void unknownUserGetsExactlyTheSameAnswerAsAWrongPassword() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        Response wrong = typing(browser, page, user.username(), "not-the-password");
        Response unknown = typing(browser, page, "nobody_" + user.username(), "not-the-password");
        assertEquals(401, unknown.statusCode());
        assertEquals(wrong.asString().replace(user.username(), "U"), unknown.asString().replace("nobody_" + user.username(), "U"));
    }

    @Test
    void rightPasswordStartsASessionWithAnHttpOnlyLaxCookieNotSecureOnAnHttpIssuer() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response r = browser.login(loginPageFor(browser), user);
        r.then().statusCode(303);
        String cookie = r.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("kf_session=")).findFirst().orElseThrow();
        assertTrue(cookie.matches("kf_session=[0-9a-f]{64}; .*"), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertTrue(cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains("Secure"), "http issuer: " + cookie);
    }

    @Test
    void everyLoginStartsANewSessionId() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.cookies.put("kf_session", "a".repeat(64)); // planted before the login
        browser.login(loginPageFor(browser), user).then().statusCode(303);
        String first = browser.cookies.get("kf_session");
        assertNotEquals("a".repeat(64), first);
        browser.login(browser.get("/login"), user).then().statusCode(303);
        assertNotEquals(first, browser.cookies.get("kf_session"));
    }

    @Test
    void missingOrWrongCsrfTokenGives403AndNoSession() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        Response wrong = browser.submit(page, Map.of("username", user.username(), "password", user.password(), "csrf", "0".repeat(64)));
        wrong.then().statusCode(403).body(containsString("name=\"password\"")).header("Location", nullValue());
        Map<String, String> form = new HashMap<>(Browser.hidden(page.asString()));
        form.remove("csrf");
        form.put("username", user.username());
        form.put("password", user.password());
        browser.post("/login", form).then().statusCode(403);
        assertNull(browser.cookies.get("kf_session"));
    }

    @Test
    void loginFromAnotherOriginGives403() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Map<String, String> form = new HashMap<>(Browser.hidden(loginPageFor(browser).asString()));
        form.put("username", user.username());
        form.put("password", user.password());
        given().redirects().follow(false).cookies(browser.cookies).header("Origin", "https://evil.example")
                .contentType("application/x-www-form-urlencoded").formParams(form).post("/login")
                .then().statusCode(403).header("Set-Cookie", not(containsString("kf_session")));
    }

    @Test
    void repeatedFailuresForOneAccountFromOneAddressAreThrottledWith429AndRetryAfter() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        for (int i = 0; i < 5; i++) {
            typing(browser, page, user.username(), "wrong-password-" + i).then().statusCode(401);
        }
        // even the right password waits now, from this address
        Response r = typing(browser, page, user.username(), user.password());
        r.then().statusCode(429).contentType(startsWith("text/html")).body(containsString("name=\"password\""));
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 900, "Retry-After " + retryAfter);
        assertNull(browser.cookies.get("kf_session"));
    }

    @Test
    void failuresFromAnotherAddressDoNotLockTheSellerOut() {
        TestUsers.Created seller = TestUsers.user().create(pool);
        Browser attacker = new Browser();
        Response page = loginPageFor(attacker);
        for (int i = 0; i < 20; i++) {
            int status = typing(attacker, page, seller.username(), "guess-" + i).statusCode();
            assertTrue(status == 401 || status == 429, "attempt " + i + ": " + status);
        }
        typing(attacker, page, seller.username(), seller.password()).then().statusCode(429);

        Browser own = new Browser();
        own.login(loginPageFor(own), seller).then().statusCode(303);
        assertNotNull(own.cookies.get("kf_session"));
    }

    @Test
    void theWaitDoublesWithEachFailurePastTheLimit() throws InterruptedException {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        for (int i = 0; i < 5; i++) {
            typing(browser, page, user.username(), "wrong-" + i).then().statusCode(401);
        }
        Response first = typing(browser, page, user.username(), "wrong-5");
        first.then().statusCode(429);
        long firstWait = Long.parseLong(first.header("Retry-After"));
        assertTrue(firstWait >= 1 && firstWait <= 2, "the first delay (2 s in tests): " + firstWait);

        Thread.sleep(firstWait * 1000 + 200);
        typing(browser, page, user.username(), "wrong-6").then().statusCode(401); // checked again, and wrong
        Response second = typing(browser, page, user.username(), "wrong-7");
        second.then().statusCode(429);
        long secondWait = Long.parseLong(second.header("Retry-After"));
        assertTrue(secondWait > firstWait, firstWait + " s, then " + secondWait + " s");
        assertTrue(secondWait <= 4, "twice the first delay: " + secondWait);
    }

    @Test
    void parallelWrongPasswordsAreCountedBeforeTheCheckSoOnlyTheLimitIsChecked() throws Exception {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Response page = browser.follow(browser.authorize(params(client, "openid")));
        page.then().statusCode(200);
        Map<String, String> form = new HashMap<>(Browser.hidden(page.asString()));
        form.put("username", user.username());
        form.put("password", "wrong-password");
        Map<String, String> cookies = Map.copyOf(browser.cookies);

        ExecutorService pool24 = Executors.newFixedThreadPool(24);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                answers.add(pool24.submit(() -> given().redirects().follow(false).cookies(cookies)
                        .header("X-Forwarded-For", browser.address).header("Origin", Browser.ORIGIN)
                        .contentType("application/x-www-form-urlencoded").formParams(form).post("/login").statusCode()));
            }
            for (Future<Integer> f : answers) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool24.shutdownNow();
        }

        assertEquals(5, statuses.stream().filter(s -> s == 401).count(), "only the limit got its password checked: " + statuses);
        assertEquals(19, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        assertEquals("5", redis.hash(String.class)
                .hget(keys.loginFailuresOfAccountAtAddress(user.username(), browser.address), "failures")
                .await().atMost(WAIT), "the pair's failures in Redis");
        // the refused ones never reached the password check, which is what records login.failed
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(5, auditEvents("login.failed", client.clientId()));
            assertEquals(19, auditEvents("login.throttled", client.clientId()));
        });
    }

    private long auditEvents(String type, String clientId) {
        return pool.preparedQuery("select count(*) as n from audit_events where type = $1 and client_id = $2")
                .execute(Tuple.of(type, clientId)).await().atMost(WAIT).iterator().next().getLong("n");
    }

    @Test
    void repeatedFailuresFromOneAddressAreThrottledWith429() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        for (int i = 0; i < 20; i++) {
            typing(browser, page, "guess_" + i + "_" + user.username(), "password123").then().statusCode(401);
        }
        Response r = browser.login(page, user);
        r.then().statusCode(429).header("Retry-After", not(nullValue()));
        // another address is not affected
        Browser other = new Browser();
        other.login(loginPageFor(other), user).then().statusCode(303);
    }

    @Test
    void successfulLoginsDoNotCountTowardsTheAddressLimit() {
        Browser browser = new Browser();
        for (int i = 0; i < 21; i++) {
            browser.login(browser.get("/login"), TestUsers.user().create(pool)).then().statusCode(303);
        }
    }

    @Test
    void successfulLoginClearsTheAccountsFailureCount() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = loginPageFor(browser);
        for (int i = 0; i < 4; i++) {
            typing(browser, page, user.username(), "wrong-" + i).then().statusCode(401);
        }
        browser.login(page, user).then().statusCode(303);
        Response page2 = browser.get("/login"); // signed in now: an authorization would go to consent
        for (int i = 0; i < 4; i++) {
            typing(browser, page2, user.username(), "wrong-again-" + i).then().statusCode(401);
        }
        browser.login(page2, user).then().statusCode(303);
    }

    @Test
    void plainLoginWithoutAnAuthorizationRequestGoesToTheAccountPage() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = browser.get("/login");
        page.then().statusCode(200).body(containsString("name=\"username\""));
        Response r = browser.login(page, user);
        r.then().statusCode(303).header("Location", TestTokens.ISSUER + "/account/apps");
        browser.get("/account/apps").then().statusCode(200);
    }

    @Test
    void returnToAnotherSiteIsIgnored() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = browser.get("/login?return=//evil.example/account");
        browser.login(page, user).then().statusCode(303).header("Location", TestTokens.ISSUER + "/account/apps");
    }

    @Test
    void unknownOrExpiredRequestIdShowsAnErrorPage() {
        new Browser().get("/login?req=" + "0".repeat(32)).then().statusCode(400).contentType(startsWith("text/html"))
                .header("Location", nullValue()).body(containsString("expired"));
    }

    private static final Pattern CANCEL = Pattern.compile("<a class=\"cancel\" href=\"([^\"]+)\">Cancel</a>");

    /** The page's "Cancel" link, or null. */
    private static String cancelLink(Response page) {
        Matcher m = CANCEL.matcher(page.asString());
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    @Test
    void loginPageOfAnAuthorizationRequestShowsTheAppsNameHttpsLogoAndACancelLink() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Response page = browser.follow(browser.authorize(params(client, "openid")));
        page.then().statusCode(200)
                .body(containsString("to continue to <strong>" + client.name() + "</strong>"))
                .body(containsString("<img src=\"https://cdn.example.com/logo.png\" alt=\"" + client.name() + " logo\""))
                .header("Content-Security-Policy", containsString("img-src https:;"));
        assertNotNull(cancelLink(page), "a cancel link back to the app");

        Response plain = new Browser().get("/login");
        plain.then().statusCode(200).body(not(containsString("<img")));
        assertNull(cancelLink(plain), "nothing to cancel without an authorization request");
    }

    @Test
    void aLogoOverPlainHttpIsNotShownOnTheLoginPage() {
        TestClients.Created client = TestClients.thirdParty().logoUri("http://cdn.example.com/logo.png").create(pool);
        Browser browser = new Browser();
        Response page = browser.follow(browser.authorize(params(client, "openid")));
        page.then().statusCode(200).body(containsString(client.name())).body(not(containsString("<img")));
    }

    @Test
    void cancelSendsTheUserBackToTheAppWithAccessDeniedStateAndIssAndEndsTheRequest() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Map<String, String> request = params(client, "openid profile");
        Response page = browser.follow(browser.authorize(request));
        String cancel = cancelLink(page);

        Response r = browser.get(cancel);
        r.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> callback = Browser.callback(r);
        assertEquals("access_denied", callback.get("error"));
        assertEquals(request.get("state"), callback.get("state"));
        assertEquals(TestTokens.ISSUER, callback.get("iss"));
        assertNull(callback.get("code"));

        // the request is over: neither the link nor the login form of it continues it
        browser.get(cancel).then().statusCode(400).body(containsString("expired"));
        browser.login(page, user).then().statusCode(400);
        assertNull(browser.cookies.get("kf_session"), "nobody signed in");
    }
}
