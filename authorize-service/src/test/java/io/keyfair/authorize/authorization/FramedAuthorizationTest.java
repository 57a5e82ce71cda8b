package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * Framed transparent authorization at the HTTP level: a framed request that would redirect with
 * a code gets a page carrying the client's `frame-ancestors`, and only that page's continuation
 * issues the code. {@code FramedAuthorizationInChromiumTest} shows a real browser enforcing it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class FramedAuthorizationTest {

    private static final String SHOP = "http://localhost:5001";
    private static final Pattern CONTINUATION = Pattern.compile("href=\"(/oauth/authorize\\?continue=[0-9a-f]{32})\"");

    @Inject
    Pool pool;

    private Browser signedIn(TestClients.Created client) {
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), TestUsers.user().create(pool), "approve");
        return browser;
    }

    private static String continuation(Response page) {
        Matcher m = CONTINUATION.matcher(page.asString());
        assertTrue(m.find(), "the page continues to the authorization: " + page.asString());
        return m.group(1);
    }

    @Test
    void aFramedSilentAuthorizationAnswersWithAPageTheClientsAncestorsMayFrameAndNoCode() {
        TestClients.Created client = TestClients.thirdParty().trusted(SHOP).create(pool);
        Browser browser = signedIn(client);

        Response page = browser.authorizeInFrame(params(client, "openid", "prompt", "none"));

        page.then().statusCode(200).contentType(startsWith("text/html"))
                .header("Location", nullValue())
                .header("Content-Security-Policy", startsWith("frame-ancestors " + SHOP + ";"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("X-Frame-Options", nullValue())
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("http-equiv=\"refresh\""))
                .body(not(containsString("code=")));
    }

    @Test
    void theContinuationIssuesTheCodeToTheRedirectUri() {
        TestClients.Created client = TestClients.thirdParty().trusted(SHOP).create(pool);
        Browser browser = signedIn(client);
        Map<String, String> request = params(client, "openid", "prompt", "none");

        Response r = browser.get(continuation(browser.authorizeInFrame(request)));

        r.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?code="))
                .header("Content-Security-Policy", startsWith("frame-ancestors " + SHOP + ";"));
        Map<String, String> callback = Browser.callback(r);
        assertNotNull(callback.get("code"));
        assertEquals(request.get("state"), callback.get("state"));
        assertEquals(TestTokens.ISSUER, callback.get("iss"));
    }

    @Test
    void aContinuationWorksOnce() {
        TestClients.Created client = TestClients.thirdParty().trusted(SHOP).create(pool);
        Browser browser = signedIn(client);
        String continuation = continuation(browser.authorizeInFrame(params(client, "openid", "prompt", "none")));
        browser.get(continuation).then().statusCode(302);

        Response again = browser.get(continuation);

        again.then().statusCode(400).contentType(startsWith("text/html")).header("Location", nullValue());
    }

    @Test
    void aContinuationIsWorthNothingToAnotherSessionAndIsUsedUpByTheAttempt() {
        TestClients.Created client = TestClients.thirdParty().trusted(SHOP).create(pool);
        Browser victim = signedIn(client);
        Browser attacker = signedIn(client);
        String continuation = continuation(victim.authorizeInFrame(params(client, "openid", "prompt", "none")));

        attacker.get(continuation).then().statusCode(400).header("Location", nullValue());
        new Browser().get(continuation).then().statusCode(400).header("Location", nullValue());
        victim.get(continuation).then().statusCode(400).header("Location", nullValue());
    }

    @Test
    void aFramedRequestOfAClientThatMayNotBeFramedGetsAPageNoSiteMayFrame() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = signedIn(client);

        Response page = browser.authorizeInFrame(params(client, "openid", "prompt", "none"));

        page.then().statusCode(200).header("Location", nullValue())
                .header("Content-Security-Policy", startsWith("frame-ancestors 'none';"))
                .header("X-Frame-Options", "DENY");
    }

    @Test
    void aFramedRequestThatFailsStillRedirectsWithTheError() {
        TestClients.Created client = TestClients.thirdParty().trusted(SHOP).create(pool);

        Response r = new Browser().authorizeInFrame(params(client, "openid", "prompt", "none"));

        r.then().statusCode(302).header("Location", containsString("error=login_required"));
    }
}
