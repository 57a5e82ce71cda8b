package io.keyfair.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.User;

/**
 * The developer portal past "My apps": applying for a third-party app (pending, secret once) and
 * an app's own page (owner only, rotate, edit back to review, delete).
 */
class DeveloperPortalAppsIT {

    private static final Pattern SECRET = Pattern.compile("id=\"client-secret\">([0-9a-f]{64})<");

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    private static URI portal(String path) {
        return URI.create(Stack.ISSUER + path);
    }

    private static Browser signedIn(User user) {
        Browser browser = new Browser();
        Page login = browser.follow(browser.get(portal("/developers/apps")), "nowhere:");
        Form form = login.form("password");
        assertNotNull(form, login.body());
        Page after = browser.follow(browser.submit(form, Map.of("username", user.username(), "password", user.password())), "nowhere:");
        assertEquals(200, after.status(), after.body());
        return browser;
    }

    private static String secretOn(Browser browser, Page redirect) {
        assertEquals(303, redirect.status(), redirect.body());
        Page shown = browser.get(redirect.location());
        Matcher m = SECRET.matcher(shown.body());
        assertTrue(m.find(), shown.body());
        assertFalse(browser.get(redirect.location()).body().contains(m.group(1)), "a secret is shown once");
        return m.group(1);
    }

    @Test
    void aSellerAppliesForAThirdPartyAppThenRotatesEditsAndDeletesIt() {
        User seller = Fixtures.user();
        Browser browser = signedIn(seller);

        // a missing reason is named next to its field
        Form apply = browser.get(portal("/developers/apps/apply")).form("logo_uri");
        assertNotNull(apply);
        Map<String, String> values = new HashMap<>(Map.of("client_name", "Price watcher " + UUID.randomUUID(),
                "redirect_uris", Fixtures.REDIRECT_URI, "scope", "openid", "logo_uri", "https://cdn.example.com/logo.png",
                "tos_uri", "https://app.example.com/terms", "policy_uri", "https://app.example.com/privacy", "reason", ""));
        Page refused = browser.submit(apply, values);
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("id=\"reason-error\""), refused.body());

        values.put("reason", "We compare card prices for buyers.");
        Page made = browser.submit(refused.form("logo_uri"), values);
        String first = secretOn(browser, made);
        String clientId = made.location().getPath().split("/")[3];
        Map<String, Object> stored = Fixtures.admin().get("/admin/clients/" + clientId).then().statusCode(200).extract().path("");
        assertEquals("third_party", stored.get("app_type"));
        assertEquals("pending", stored.get("status"));
        assertEquals(seller.id(), stored.get("owner_user_id"));

        // only the owner sees the app page
        assertEquals(404, signedIn(Fixtures.user()).get(portal("/developers/apps/" + clientId)).status());
        Page page = browser.get(portal("/developers/apps/" + clientId));
        assertEquals(200, page.status());

        // a form without the CSRF token is refused
        assertEquals(403, browser.post(portal("/developers/apps/" + clientId + "/secret"), Map.of("previous_secret_ttl", "0")).status());

        String second = secretOn(browser, browser.submit(page.form("previous_secret_ttl"), Map.of("previous_secret_ttl", "60")));
        assertNotEquals(first, second);
        Fixtures.admin().get("/admin/audit?type=client.secret_rotated&client_id=" + clientId).then().statusCode(200)
                .body("events[0].actor", org.hamcrest.Matchers.equalTo("user:" + seller.id()));

        // approved, then a redirect change sends it back to review
        Fixtures.admin().post("/admin/clients/" + clientId + "/approve").then().statusCode(200);
        Page fresh = browser.get(portal("/developers/apps/" + clientId));
        Page saved = browser.submit(fresh.form("client_name"), Map.of("redirect_uris", "https://app.example.com/elsewhere"));
        assertEquals(303, saved.status(), saved.body());
        assertTrue(browser.get(saved.location()).body().contains("went back to review"));
        assertEquals("pending", Fixtures.admin().get("/admin/clients/" + clientId).then().extract().path("status"));

        Page deleted = browser.submit(browser.get(portal("/developers/apps/" + clientId)).form("confirm"), Map.of("confirm", "yes"));
        assertEquals(303, deleted.status(), deleted.body());
        Fixtures.admin().get("/admin/clients/" + clientId).then().statusCode(404);
        assertNull(browser.get(portal("/developers/apps")).form("nothing-here"));
    }
}
