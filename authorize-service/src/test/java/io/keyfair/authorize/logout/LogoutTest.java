package io.keyfair.authorize.logout;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
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
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LogoutTest {

    private static final String BYE = "http://127.0.0.1:9/bye";

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    /** A browser signed in through the client, and who it is. */
    private record SignedIn(Browser browser, TestUsers.Created user) {
    }

    private TestClients.Created client() {
        return TestClients.thirdParty().postLogoutRedirectUris(BYE + " https://app.example/signed-out").create(pool);
    }

    private SignedIn signIn(TestClients.Created client) {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), user, "approve");
        return new SignedIn(browser, user);
    }

    /** An ID token as token-service issues it, with these overrides. */
    private String idToken(String subject, String audience, long expiresAt) {
        return TestTokens.idToken(subject, audience).expiresAt(expiresAt).sign(signer);
    }

    private String idToken(SignedIn s, TestClients.Created client) {
        return idToken(s.user().id(), client.clientId(), System.currentTimeMillis() / 1000 + 3600);
    }

    private static void assertSessionWorks(Browser browser) {
        browser.get("/account/apps").then().statusCode(200);
    }

    /** The old cookie, if the browser kept it, is worth nothing. */
    private static void assertSessionEnded(Browser browser, String oldSession) {
        assertNull(browser.cookies.get("kf_session"));
        browser.cookies.put("kf_session", oldSession);
        browser.get("/account/apps").then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login"));
    }

    private static void assertConfirmationPage(Response r) {
        r.then().statusCode(200).contentType(startsWith("text/html")).body(containsString("Sign out?"))
                .body(containsString("name=\"confirm\"")).header("Set-Cookie", not(containsString("kf_session=")));
        assertNull(r.header("Location"));
    }

    @Test
    void aValidHintEndsTheSessionAtOnceAndReturnsToTheRegisteredUriWithTheState() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");

        Response r = s.browser().get("/logout?id_token_hint=" + idToken(s, client) + "&post_logout_redirect_uri=" + BYE
                + "&state=bye-1");

        r.then().statusCode(302).header("Location", BYE + "?state=bye-1")
                .header("Set-Cookie", containsString("kf_session=; Path=/; Max-Age=0"));
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void anExpiredIdTokenOfTheSessionIsStillAGoodHint() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");
        String expired = idToken(s.user().id(), client.clientId(), System.currentTimeMillis() / 1000 - 600);

        s.browser().get("/logout?id_token_hint=" + expired + "&client_id=" + client.clientId() + "&post_logout_redirect_uri=" + BYE)
                .then().statusCode(302).header("Location", BYE);
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void aValidHintPostedByTheAppEndsTheSessionWithA303() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");

        s.browser().post("/logout", Map.of("id_token_hint", idToken(s, client), "client_id", client.clientId(),
                        "post_logout_redirect_uri", BYE, "state", "bye"))
                .then().statusCode(303).header("Location", BYE + "?state=bye");
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void anUnregisteredPostLogoutUriShowsTheSignedOutPageInstead() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");

        Response r = s.browser().get("/logout?id_token_hint=" + idToken(s, client) + "&post_logout_redirect_uri=https://evil.example/cb");

        r.then().statusCode(200).contentType(startsWith("text/html")).body(containsString("signed out"));
        assertNull(r.header("Location"));
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void theClientsLoginRedirectUriIsNoPostLogoutUri() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);

        Response r = s.browser().get("/logout?id_token_hint=" + idToken(s, client) + "&post_logout_redirect_uri=" + client.redirectUri());

        r.then().statusCode(200).body(containsString("signed out"));
        assertNull(r.header("Location"));
    }

    @Test
    void withoutAHintTheUserConfirmsFirstAndTheSessionWorksUntilThen() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");

        Response confirm = s.browser().get("/logout?client_id=" + client.clientId() + "&post_logout_redirect_uri=" + BYE
                + "&state=bye-2");
        assertConfirmationPage(confirm);
        confirm.then().body(containsString(client.name()));
        assertSessionWorks(s.browser());

        Response r = s.browser().submit(confirm, Map.of("confirm", "yes"));

        r.then().statusCode(303).header("Location", BYE + "?state=bye-2");
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void confirmingWithoutAnAppShowsTheSignedOutPage() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");
        Response confirm = s.browser().get("/logout");
        assertConfirmationPage(confirm);

        Response r = s.browser().submit(confirm, Map.of("confirm", "yes"));

        r.then().statusCode(200).body(containsString("signed out"))
                .header("Set-Cookie", containsString("kf_session=; Path=/; Max-Age=0"));
        assertSessionEnded(s.browser(), session);
    }

    @Test
    void signingOutFromTheAccountPageEndsTheSessionAtOnce() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");
        String page = s.browser().get("/account/apps").asString();
        Matcher form = Pattern
                .compile("<form method=\"post\" action=\"/logout\">(.*?)</form>", Pattern.DOTALL).matcher(page);
        assertTrue(form.find(), "the account page has a sign-out form");
        Map<String, String> fields = new HashMap<>(Browser.hidden(form.group(1)));
        fields.put("confirm", "yes");

        s.browser().post("/logout", fields).then().statusCode(200).body(containsString("signed out"));

        assertSessionEnded(s.browser(), session);
    }

    @Test
    void aConfirmationWithoutTheCsrfTokenIsRefusedAndKeepsTheSession() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String session = s.browser().cookies.get("kf_session");

        Response r = s.browser().post("/logout", Map.of("confirm", "yes", "client_id", client.clientId(),
                "post_logout_redirect_uri", BYE));

        r.then().statusCode(403).contentType(startsWith("text/html"));
        assertNull(r.header("Location"));
        assertEquals(session, s.browser().cookies.get("kf_session"));
        assertSessionWorks(s.browser());
    }

    @Test
    void aConfirmationWithAnotherCsrfTokenIsRefusedAndKeepsTheSession() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        assertConfirmationPage(s.browser().get("/logout"));

        s.browser().post("/logout", Map.of("confirm", "yes", "csrf", "0".repeat(64))).then().statusCode(403);

        assertSessionWorks(s.browser());
    }

    @Test
    void aForgedHintIsTreatedAsNoHint() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"iss\":\"" + TestTokens.ISSUER
                + "\",\"aud\":\"" + client.clientId() + "\",\"sub\":\"" + s.user().id() + "\"}").getBytes());
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\",\"kid\":\"x\"}".getBytes())
                + "." + payload + ".c2ln";

        assertConfirmationPage(s.browser().get("/logout?id_token_hint=" + forged + "&post_logout_redirect_uri=" + BYE));
        assertSessionWorks(s.browser());
    }

    @Test
    void anIdTokenOfAnotherUserIsTreatedAsNoHint() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        TestUsers.Created other = TestUsers.user().create(pool);
        String hint = idToken(other.id(), client.clientId(), System.currentTimeMillis() / 1000 + 3600);

        assertConfirmationPage(s.browser().get("/logout?id_token_hint=" + hint + "&post_logout_redirect_uri=" + BYE));
        assertSessionWorks(s.browser());
    }

    @Test
    void aHintIssuedToAnotherClientThanClientIdIsTreatedAsNoHint() {
        TestClients.Created client = client();
        TestClients.Created other = client();
        SignedIn s = signIn(client);

        assertConfirmationPage(s.browser().get("/logout?id_token_hint=" + idToken(s, other) + "&client_id=" + client.clientId()
                + "&post_logout_redirect_uri=" + BYE));
        assertSessionWorks(s.browser());
    }

    @Test
    void anAccessTokenIsNoHint() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);
        long now = System.currentTimeMillis() / 1000;
        String accessToken = TestTokens.forUser(s.user().id()).clientId(client.clientId()).audience(client.clientId())
                .lifetime(now, now + 300).sign(signer);

        assertConfirmationPage(s.browser().get("/logout?id_token_hint=" + accessToken));
        assertSessionWorks(s.browser());
    }

    @Test
    void withoutASessionTheAppIsSentBackToItsRegisteredUri() {
        TestClients.Created client = client();
        Browser browser = new Browser();

        browser.get("/logout?client_id=" + client.clientId() + "&post_logout_redirect_uri=" + BYE + "&state=s")
                .then().statusCode(302).header("Location", BYE + "?state=s");
    }

    @Test
    void theSignedOutPageLeavesTheBrowserUnableToAuthorizeSilently() {
        TestClients.Created client = client();
        SignedIn s = signIn(client);

        s.browser().get("/logout?id_token_hint=" + idToken(s, client)).then().statusCode(200).body(containsString("signed out"));

        Map<String, String> callback = Browser.callback(s.browser().authorize(params(client, "openid", "prompt", "none")));
        assertEquals("login_required", callback.get("error"));
        assertNotNull(callback.get("state"));
    }
}
