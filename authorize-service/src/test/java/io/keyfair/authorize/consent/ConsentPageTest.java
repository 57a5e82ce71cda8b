package io.keyfair.authorize.consent;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** Who the consent page says is signed in, and its "Not you?" switch. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ConsentPageTest {

    private static final Pattern SWITCH_FORM = Pattern.compile(
            "<form method=\"post\" action=\"([^\"]+)\" id=\"switch-account\">(.*?)</form>", Pattern.DOTALL);

    @Inject
    Pool pool;

    /** The consent page of a fresh request, signed in as the user through its login page. */
    private static Response consentPage(Browser browser, Map<String, String> request, TestUsers.Created user) {
        Response consent = browser.follow(browser.login(browser.follow(browser.authorize(request)), user));
        consent.then().statusCode(200).body(containsString("name=\"decision\""));
        return consent;
    }

    /** Presses "Not you?": posts its form with its hidden inputs, optionally changed. */
    private static Response notYou(Browser browser, Response consent, Map<String, String> changes) {
        Matcher form = SWITCH_FORM.matcher(consent.asString());
        assertTrue(form.find(), "the page has a \"Not you?\" form");
        Map<String, String> fields = new HashMap<>(Browser.hidden(form.group(2)));
        fields.putAll(changes);
        return browser.post(form.group(1), fields);
    }

    @Test
    void consentPageSaysWhoIsSignedInWithANotYouButton() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response consent = consentPage(new Browser(), params(client, "openid profile"), user);
        consent.then()
                .body(containsString("Signed in as <strong>" + user.username() + "</strong>"))
                .body(containsString(">Not you?</button>"));
    }

    @Test
    void notYouEndsTheSessionAndShowsTheLoginPageOfTheSameRequest() {
        TestUsers.Created alice = TestUsers.user().create(pool);
        TestUsers.Created bob = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Map<String, String> request = params(client, "openid profile");
        Response consent = consentPage(browser, request, alice);
        String requestId = Browser.hidden(consent.asString()).get("req");
        String aliceSession = browser.cookies.get("kf_session");
        assertNotNull(aliceSession);

        Response r = notYou(browser, consent, Map.of());
        r.then().statusCode(303).header("Location", TestTokens.ISSUER + "/login?req=" + requestId)
                .header("Set-Cookie", containsString("kf_session=; Path=/; Max-Age=0"));
        assertNull(browser.cookies.get("kf_session"), "the browser dropped the session cookie");
        Browser replay = new Browser();
        replay.cookies.put("kf_session", aliceSession);
        replay.get("/account/apps").then().statusCode(302).header("Location", containsString("/login"));

        Response login = browser.follow(r);
        login.then().statusCode(200).body(containsString("name=\"password\"")).body(containsString(client.name()));
        assertEquals(requestId, Browser.hidden(login.asString()).get("req"), "the same request goes on");

        Response bobsConsent = browser.follow(browser.login(login, bob));
        bobsConsent.then().statusCode(200).body(containsString("Signed in as <strong>" + bob.username() + "</strong>"));
        Map<String, String> callback = Browser.callback(browser.submit(bobsConsent, Map.of("decision", "approve")));
        assertNotNull(callback.get("code"));
        assertEquals(request.get("state"), callback.get("state"));
    }

    @Test
    void notYouWithoutTheCsrfTokenGives403AndKeepsTheSession() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Response consent = consentPage(browser, params(client, "openid"), user);

        notYou(browser, consent, Map.of("csrf", "0".repeat(64))).then().statusCode(403);

        browser.get("/account/apps").then().statusCode(200).body(containsString(user.username()));
        // the request still waits for a decision
        Map<String, String> callback = Browser.callback(browser.submit(consent, Map.of("decision", "approve")));
        assertNotNull(callback.get("code"));
    }
}
