package io.keyfair.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;

/**
 * The operator console over HTTP, signed in through Keyfair itself: an operator rejects a pending
 * app with a note that the admin API then shows as `status_note`; a support user sees the same
 * page but cannot post.
 */
class OperatorConsoleIT {

    private static final String NOWHERE = "nowhere:";

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    private static URI console(String path) {
        return URI.create(Stack.ISSUER + path);
    }

    /** A marketplace user whose row carries the given role (the console reads it from the users table). */
    private static User withRole(String role) {
        User user = Fixtures.user();
        Fixtures.admin().body(Map.of("roles", List.of(role))).patch("/admin/users/" + user.id()).then().statusCode(200);
        return user;
    }

    /** Opens the console in a fresh browser and signs in on Keyfair's login page (no consent for the first-party client). */
    private static Page signIn(Browser browser, User user, String path) {
        Page login = browser.follow(browser.get(console(path)), NOWHERE);
        Form form = login.form("password");
        assertNotNull(form, "Keyfair's login page: " + login.status() + " " + login.uri());
        Page after = browser.follow(browser.submit(form, Map.of("username", user.username(), "password", user.password())), NOWHERE);
        assertEquals(200, after.status(), after.body());
        assertEquals(console(path), after.uri());
        return after;
    }

    @Test
    void anOperatorRejectsWithANoteTheAdminApiShowsAndSupportCannotPost() {
        Client pending = Fixtures.register(Fixtures.metadata());
        String appPath = "/console/apps/" + pending.id();

        Browser operatorBrowser = new Browser();
        Page app = signIn(operatorBrowser, withRole("operator"), appPath);
        assertTrue(app.body().contains("pending"), app.body());
        Form reject = app.form("note");
        assertNotNull(reject, app.body());
        assertTrue(reject.action().getPath().endsWith("/reject"), String.valueOf(reject.action()));
        Page done = operatorBrowser.submit(reject, Map.of("note", "Your terms link does not load"));
        assertEquals(303, done.status(), done.body());

        Fixtures.admin().get("/admin/clients/" + pending.id()).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("rejected"))
                .body("status_note", org.hamcrest.Matchers.equalTo("Your terms link does not load"));

        Browser supportBrowser = new Browser();
        Page seen = signIn(supportBrowser, withRole("support"), appPath);
        assertTrue(seen.body().contains("Your terms link does not load"), seen.body());
        assertTrue(seen.body().contains("read only"), seen.body());
        // support's own valid CSRF token (its cookie), so only the role refuses the post
        String token = supportBrowser.setCookieHeaders().stream().filter(c -> c.contains("kf_portal_csrf="))
                .map(c -> c.substring(c.indexOf("kf_portal_csrf=") + "kf_portal_csrf=".length()).split(";")[0])
                .reduce((a, b) -> b).orElseThrow();
        Page refused = supportBrowser.post(console(appPath + "/approve"), Map.of("csrf", token));
        assertEquals(403, refused.status());
        Fixtures.admin().get("/admin/clients/" + pending.id()).then().body("status", org.hamcrest.Matchers.equalTo("rejected"));
    }
}
