package io.keyfair.authorize.logout;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.authorize.TestClients;
import io.keyfair.authorize.TestUsers;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LogoutTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private Browser signedIn(TestClients.Created client) {
        TestUsers.Created user = TestUsers.create(signer);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        return browser;
    }

    @Test
    void logoutEndsTheSessionClearsTheCookieAndShowsASignedOutPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = signedIn(client);
        String session = browser.cookies.get("kf_session");
        Response r = browser.get("/logout");
        r.then().statusCode(200).contentType(startsWith("text/html")).body(containsString("signed out"))
                .header("Set-Cookie", containsString("kf_session=; Path=/; Max-Age=0"));
        assertNull(browser.cookies.get("kf_session"));
        // the old cookie value is worth nothing now
        browser.cookies.put("kf_session", session);
        browser.get("/account/apps").then().statusCode(302).header("Location", startsWith(TestUsers.ISSUER + "/login"));
        browser.authorize(params(client, "openid", "prompt", "none"))
                .then().statusCode(302).header("Location", containsString("error=login_required"));
    }

    @Test
    void postLogoutRedirectToARegisteredUriOfTheNamedClientKeepsTheState() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = signedIn(client);
        Response r = browser.post("/logout", java.util.Map.of("client_id", client.clientId(),
                "post_logout_redirect_uri", client.redirectUri(), "state", "bye"));
        r.then().statusCode(303).header("Location", client.redirectUri() + "?state=bye");
        assertNull(browser.cookies.get("kf_session"));
    }

    @Test
    void postLogoutRedirectFoundThroughTheIdTokenHintAudience() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = signedIn(client);
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"aud\":\"" + client.clientId() + "\",\"sub\":\"x\"}").getBytes());
        String hint = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "." + payload + ".c2ln";
        browser.get("/logout?id_token_hint=" + hint + "&post_logout_redirect_uri=" + client.redirectUri())
                .then().statusCode(302).header("Location", client.redirectUri());
    }

    @Test
    void unregisteredPostLogoutRedirectIsNotFollowed() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = signedIn(client);
        Response r = browser.get("/logout?client_id=" + client.clientId() + "&post_logout_redirect_uri=https://evil.example/cb");
        r.then().statusCode(200).contentType(startsWith("text/html"));
        assertTrue(r.header("Location") == null);
        assertNull(browser.cookies.get("kf_session"));
    }
}
