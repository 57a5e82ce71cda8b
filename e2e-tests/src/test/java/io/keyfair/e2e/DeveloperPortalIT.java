package io.keyfair.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;

/**
 * The developer portal, as a seller walks it: signed in through Keyfair itself (no consent for
 * the first-party portal), a dedicated app created and used at once, and the portal's guards
 * (CSRF, framing, sign-in redirect, sign-out of both sessions).
 */
class DeveloperPortalIT {

    private static final Pattern SECRET = Pattern.compile("id=\"client-secret\">([0-9a-f]{64})<");
    private static final String NOWHERE = "nowhere:";

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    private static URI portal(String path) {
        return URI.create(Stack.ISSUER + path);
    }

    /** Opens My apps in a fresh browser and signs in on Keyfair's login page: no consent page follows. */
    private static Page signIn(Browser browser, User user) {
        Page login = browser.follow(browser.get(portal("/developers/apps")), NOWHERE);
        Form form = login.form("password");
        assertNotNull(form, "Keyfair's login page: " + login.status() + " " + login.uri());
        Page after = browser.follow(browser.submit(form, Map.of("username", user.username(), "password", user.password())), NOWHERE);
        assertNull(after.form("decision"), "the first-party portal never asks for consent");
        assertEquals(200, after.status(), after.body());
        assertEquals(portal("/developers/apps"), after.uri());
        return after;
    }

    @Test
    void aSellerSignsInCreatesADedicatedAppSeesItsSecretOnceAndUsesItAtOnce() {
        User seller = Fixtures.user();
        Browser browser = new Browser();

        Page empty = signIn(browser, seller);
        assertTrue(empty.body().contains("You have no apps yet"), empty.body());
        assertTrue(empty.body().contains(seller.username()));

        // a registry validation error is shown next to its field, and nothing is created
        Page newApp = browser.get(portal("/developers/apps/new"));
        assertEquals(200, newApp.status());
        Form create = newApp.form("client_name");
        String name = "Shop sync " + UUID.randomUUID();
        Page refused = browser.submit(create, Map.of("client_name", name, "redirect_uris", "http://shop.example.com/cb", "scope", "openid"));
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("id=\"redirect_uris-error\""), refused.body());
        assertTrue(refused.body().contains("aria-invalid=\"true\""));

        Page made = browser.submit(refused.form("client_name"),
                Map.of("client_name", name, "redirect_uris", Fixtures.REDIRECT_URI, "scope", "openid"));
        assertEquals(303, made.status(), made.body());
        Page shown = browser.get(made.location());
        assertEquals(200, shown.status());
        assertEquals("no-store", shown.header("Cache-Control"));
        Matcher secret = SECRET.matcher(shown.body());
        assertTrue(secret.find(), shown.body());
        String clientId = made.location().getPath().split("/")[3];
        Client app = new Client(clientId, secret.group(1), Map.of());

        Page again = browser.get(made.location());
        assertEquals(200, again.status());
        assertFalse(again.body().contains(app.secret()), "the secret is shown once");
        assertTrue(again.body().contains("shown once"));

        Map<String, Object> stored = Fixtures.admin().get("/admin/clients/" + clientId).then().statusCode(200).extract().path("");
        assertEquals("dedicated", stored.get("app_type"));
        assertEquals("approved", stored.get("status"));
        assertEquals(seller.id(), stored.get("owner_user_id"));
        assertEquals(false, stored.get("trusted"));
        Fixtures.admin().get("/admin/audit?type=client.created&client_id=" + clientId).then().statusCode(200)
                .body("events[0].actor", org.hamcrest.Matchers.equalTo("user:" + seller.id()));

        // the owner authorizes it at once (the seller's Keyfair session is the portal's) and gets tokens
        Outcome owner = Flow.authorize(browser, app, seller, "openid", "approve", Map.of());
        assertNotNull(owner.code(), String.valueOf(owner.callback()));
        Calls.exchange(app, owner).then().statusCode(200);

        // nobody else can
        User stranger = Fixtures.user();
        Outcome other = Flow.authorize(new Browser(), app, stranger, "openid", "approve", Map.of());
        assertEquals("access_denied", other.callback().get("error"));

        Page listed = browser.get(portal("/developers/apps"));
        assertEquals(200, listed.status());
        assertTrue(listed.body().contains(name));
        assertTrue(listed.body().contains(clientId));
        assertTrue(listed.body().contains(Fixtures.REDIRECT_URI));
        assertTrue(listed.body().contains("data-state=\"active\">active: 1<"), listed.body());
    }

    @Test
    void aUserOwnsAtMostFiveAppsByDefault() {
        Browser browser = new Browser();
        signIn(browser, Fixtures.user());

        for (int i = 0; i < 5; i++) {
            Form create = browser.get(portal("/developers/apps/new")).form("client_name");
            Page made = browser.submit(create, Map.of("client_name", "App " + i, "redirect_uris", Fixtures.REDIRECT_URI, "scope", "openid"));
            assertEquals(303, made.status(), made.body());
        }
        Form sixth = browser.get(portal("/developers/apps/new")).form("client_name");
        Page refused = browser.submit(sixth, Map.of("client_name", "App 6", "redirect_uris", Fixtures.REDIRECT_URI, "scope", "openid"));

        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("You already own 5 apps"), refused.body());
        assertFalse(browser.get(portal("/developers/apps")).body().contains("App 6"));
    }

    @Test
    void withoutASessionThePortalSendsTheBrowserToKeyfairsAuthorizationEndpointWithPkce() {
        Page page = new Browser().get(portal("/developers/apps"));

        assertEquals(302, page.status());
        String location = page.location().toString();
        assertTrue(location.startsWith(Stack.ISSUER + "/oauth/authorize?"), location);
        Map<String, String> query = Browser.query(page.location());
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals(Stack.ISSUER + "/developers/callback", query.get("redirect_uri"));
        assertTrue(query.get("scope").contains("roles"));
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefused() {
        User seller = Fixtures.user();
        Browser browser = new Browser();
        signIn(browser, seller);

        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_name", "Forged " + UUID.randomUUID());
        form.put("redirect_uris", Fixtures.REDIRECT_URI);
        form.put("scope", "openid");
        Page forged = browser.post(portal("/developers/apps/new"), form);

        assertEquals(403, forged.status());
        assertTrue(browser.get(portal("/developers/apps")).body().contains("You have no apps yet"));
    }

    @Test
    void portalPagesCannotBeFramedAndAreNeverCached() {
        Browser browser = new Browser();
        Page apps = signIn(browser, Fixtures.user());

        assertEquals("DENY", apps.header("X-Frame-Options"));
        assertTrue(apps.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        assertEquals("nosniff", apps.header("X-Content-Type-Options"));
        assertEquals("same-origin", apps.header("Referrer-Policy"));
        assertEquals("no-store", apps.header("Cache-Control"));
    }

    @Test
    void signingOutEndsThePortalSessionAndKeyfairs() {
        Browser browser = new Browser();
        Page apps = signIn(browser, Fixtures.user());

        Page out = browser.follow(browser.submit(apps.form("csrf"), Map.of()), NOWHERE);
        assertEquals(200, out.status(), out.body());
        assertEquals(portal("/developers/signed-out"), out.uri());

        Page back = browser.follow(browser.get(portal("/developers/apps")), NOWHERE);
        assertNotNull(back.form("password"), "Keyfair asks for the password again");
    }
}
