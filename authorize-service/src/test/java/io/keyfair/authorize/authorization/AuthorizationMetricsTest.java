package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.testing.Scrape;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** `keyfair_authorizations_total{outcome}` and the authorization endpoint's errors, as /q/metrics shows them. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AuthorizationMetricsTest {

    private static final String OUTCOMES = "keyfair_authorizations_total";
    private static final String ERRORS = "keyfair_oauth_errors_total";

    @Inject
    Pool pool;

    private static double outcome(Scrape scrape, String outcome) {
        return scrape.value(OUTCOMES, "outcome", outcome);
    }

    @Test
    void everyOutcomeIsExportedBeforeItHappens() {
        Scrape scrape = Scrape.now();
        for (String o : new String[] { "approved", "denied", "transparent", "prior_consent", "login_failed", "throttled" }) {
            assertEquals(1, scrape.matching(OUTCOMES, "outcome", o).size(), o);
        }
    }

    @Test
    void approvalOnTheConsentPageCountsApproved() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Scrape before = Scrape.now();

        assertNotNull(new Browser().authorizeThrough(params(client, "openid profile"), user, "approve").get("code"));

        Scrape after = Scrape.now();
        assertEquals(outcome(before, "approved") + 1, outcome(after, "approved"));
        assertFalse(after.text().contains(client.clientId()) || after.text().contains(user.id()), "no client or user id in any label");
    }

    @Test
    void refusalCountsDeniedAndTheAccessDeniedSentToTheClient() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Scrape before = Scrape.now();

        assertEquals("access_denied", new Browser().authorizeThrough(params(client, "openid"), user, "deny").get("error"));

        Scrape after = Scrape.now();
        assertEquals(outcome(before, "denied") + 1, outcome(after, "denied"));
        assertEquals(before.value(ERRORS, "endpoint", "authorize", "error", "access_denied") + 1,
                after.value(ERRORS, "endpoint", "authorize", "error", "access_denied"));
    }

    @Test
    void trustedClientCountsTransparent() {
        TestClients.Created client = TestClients.thirdParty().trusted("").create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Scrape before = Scrape.now();

        assertNotNull(new Browser().authorizeThrough(params(client, "openid"), user, "approve").get("code"));

        assertEquals(outcome(before, "transparent") + 1, outcome(Scrape.now(), "transparent"));
    }

    @Test
    void rememberedConsentCountsPriorConsent() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        Scrape before = Scrape.now();

        assertNotNull(browser.authorizeThrough(params(client, "openid"), user, "approve").get("code"));

        Scrape after = Scrape.now();
        assertEquals(outcome(before, "prior_consent") + 1, outcome(after, "prior_consent"));
        assertEquals(outcome(before, "approved"), outcome(after, "approved"));
    }

    @Test
    void wrongPasswordsCountLoginFailedThenThrottled() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response page = browser.follow(browser.authorize(params(client, "openid")));
        Scrape before = Scrape.now();

        for (int i = 0; i < 5; i++) {
            browser.submit(page, Map.of("username", user.username(), "password", "wrong-" + i)).then().statusCode(401);
        }
        browser.submit(page, Map.of("username", user.username(), "password", user.password())).then().statusCode(429);

        Scrape after = Scrape.now();
        assertEquals(outcome(before, "login_failed") + 5, outcome(after, "login_failed"));
        assertEquals(outcome(before, "throttled") + 1, outcome(after, "throttled"));
    }

    @Test
    void promptNoneWithoutSessionCountsLoginRequiredAtTheAuthorizationEndpoint() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Scrape before = Scrape.now();

        new Browser().authorize(params(client, "openid", "prompt", "none")).then().statusCode(302);

        assertEquals(before.value(ERRORS, "endpoint", "authorize", "error", "login_required") + 1,
                Scrape.now().value(ERRORS, "endpoint", "authorize", "error", "login_required"));
    }

    @Test
    void authorizationLatencyIsAHistogramUnderTheRouteAndService() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        new Browser().authorize(params(client, "openid")).then().statusCode(302);

        assertTrue(Scrape.now().value("http_server_requests_seconds_bucket", "application", "authorize-service",
                "uri", "/oauth/authorize", "method", "GET", "le", "+Inf") >= 1);
    }
}
