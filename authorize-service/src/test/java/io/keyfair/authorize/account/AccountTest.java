package io.keyfair.authorize.account;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.RevocationList;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AccountTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RevocationList revocations;

    @Inject
    RedisKeys keys;

    @Inject
    ReactiveRedisDataSource redis;

    private boolean grantLive(String userId, String clientId) {
        return pool.preparedQuery("select 1 from consents where user_id = $1::uuid and client_id = $2 and revoked_at is null")
                .execute(Tuple.of(userId, clientId)).await().atMost(WAIT).size() > 0;
    }

    private static String revokeForm(String html, String clientId) {
        String action = "action=\"/account/apps/" + clientId + "/revoke\"";
        int at = html.indexOf(action);
        return at < 0 ? null : html.substring(html.lastIndexOf("<form", at), html.indexOf("</form>", at));
    }

    @Test
    void withoutSessionTheAccountPageSendsToTheLoginPageAndBack() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        Response r = browser.get("/account/apps");
        r.then().statusCode(302).header("Location", TestTokens.ISSUER + "/login?return=%2Faccount%2Fapps");
        Response login = browser.follow(r);
        login.then().statusCode(200).body(containsString("name=\"password\""));
        Response back = browser.login(login, user);
        back.then().statusCode(303).header("Location", TestTokens.ISSUER + "/account/apps");
        browser.follow(back).then().statusCode(200).body(containsString(user.username()));

        new Browser().get("/account").then().statusCode(302).header("Location", TestTokens.ISSUER + "/account/apps");
        new Browser().get("/account/settings").then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?return="));
        browser.get("/account/settings").then().statusCode(302).header("Location", TestTokens.ISSUER + "/account/apps");
    }

    @Test
    void accountPageListsEveryConnectedAppWithItsRevokeForm() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created a = TestClients.thirdParty().create(pool);
        TestClients.Created b = TestClients.thirdParty().trusted("").create(pool);
        TestClients.Created never = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(a, "openid profile"), user, "approve");
        browser.authorizeThrough(params(b, "openid email"), user, "approve");

        Response page = browser.get("/account/apps");
        page.then().statusCode(200).contentType(startsWith("text/html"))
                .header("X-Frame-Options", "DENY")
                .header("Cache-Control", containsString("no-store"))
                .body(containsString(a.name()))
                .body(containsString(b.name()))
                .body(not(containsString(never.name())))
                .body(containsString("<img src=\"https://cdn.example.com/logo.png\""))
                .body(containsString("Your name and username"))
                .body(containsString("Your email address and whether it is verified"));
        String html = page.asString();
        for (TestClients.Created c : List.of(a, b)) {
            String form = revokeForm(html, c.clientId());
            assertNotNull(form, "a revoke form for " + c.name());
            assertTrue(form.contains("method=\"post\""));
            assertEquals(browser.cookies.get("kf_csrf"), Browser.hidden(form).get("csrf"));
        }
    }

    @Test
    void accountAppsAnswersJsonWhenAcceptPrefersIt() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid profile"), user, "approve");
        io.restassured.RestAssured.given().cookies(browser.cookies).accept("application/json").get("/account/apps")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("client_id", hasItem(client.clientId()))
                .body("find { it.client_id == '" + client.clientId() + "' }.client_name", org.hamcrest.Matchers.equalTo(client.name()))
                .body("find { it.client_id == '" + client.clientId() + "' }.scopes", org.hamcrest.Matchers.contains("openid", "profile"))
                .body("find { it.client_id == '" + client.clientId() + "' }.state", org.hamcrest.Matchers.equalTo("active"))
                .body("find { it.client_id == '" + client.clientId() + "' }.first_granted_at", not(nullValue()))
                .body("find { it.client_id == '" + client.clientId() + "' }.last_used_at", not(nullValue()));
    }

    @Test
    void revokingAnAppRemovesTheGrantCutsItsTokensAndAsksForConsentAgain() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestClients.Created other = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid profile"), user, "approve");
        browser.authorizeThrough(params(other, "openid"), user, "approve");
        long grantedBefore = System.currentTimeMillis() - 1000;

        Response page = browser.get("/account/apps");
        Map<String, String> form = Browser.hidden(revokeForm(page.asString(), client.clientId()));
        Response r = browser.post("/account/apps/" + client.clientId() + "/revoke", form);
        r.then().statusCode(303).header("Location", TestTokens.ISSUER + "/account/apps");

        assertFalse(grantLive(user.id(), client.clientId()), "consent revoked");
        assertTrue(grantLive(user.id(), other.clientId()), "the other app keeps its grant");
        assertTrue(pool.preparedQuery("select 1 from revocations where kind = 'user_client' and subject = $1 and cutoff_ms > $2")
                .execute(Tuple.of(client.clientId() + ":" + user.id(), grantedBefore)).await().atMost(WAIT).size() > 0,
                "every token of this user and client issued before now is void, in PostgreSQL");
        assertNotNull(redis.value(String.class).get(keys.userClientTokensRevokedBefore(client.clientId(), user.id())).await().atMost(WAIT));
        assertNull(redis.value(String.class).get(keys.userClientTokensRevokedBefore(other.clientId(), user.id())).await().atMost(WAIT));
        assertTrue(pool.preparedQuery("select 1 from audit_events where type = 'consent.revoked' and client_id = $1 and user_id = $2")
                .execute(Tuple.of(client.clientId(), user.id())).await().atMost(WAIT).size() > 0);

        String after = browser.follow(r).asString();
        assertNull(revokeForm(after, client.clientId()), "the app is gone from the list");
        assertNotNull(revokeForm(after, other.clientId()));
        browser.authorize(params(client, "openid profile"))
                .then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/consent?req="));
    }

    @Test
    void revokeWithoutTheCsrfTokenGives403AndKeepsTheGrant() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        browser.get("/account/apps");
        browser.post("/account/apps/" + client.clientId() + "/revoke", Map.of("csrf", "1".repeat(64)))
                .then().statusCode(403).contentType(startsWith("text/html"));
        browser.post("/account/apps/" + client.clientId() + "/revoke", Map.of())
                .then().statusCode(403);
        assertTrue(grantLive(user.id(), client.clientId()));
        assertNull(redis.value(String.class).get(keys.userClientTokensRevokedBefore(client.clientId(), user.id())).await().atMost(WAIT));
    }

    @Test
    void revokeWithoutSessionSendsToTheLoginPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        new Browser().post("/account/apps/" + client.clientId() + "/revoke", Map.of("csrf", "1".repeat(64)))
                .then().statusCode(303).header("Location", startsWith(TestTokens.ISSUER + "/login"));
    }
}
