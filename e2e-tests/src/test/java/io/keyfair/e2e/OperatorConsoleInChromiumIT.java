package io.keyfair.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;

/**
 * The operator console with the developer portal in real headless Chromiums, one per person: a
 * seller applies for a third-party app, an operator rejects it with a note, the seller reads the
 * note and edits the app, the operator approves it and it authorizes; support reads but cannot
 * approve; anyone else gets the 403 page; a form posted without its CSRF token is refused; every
 * console page fits a 390 px phone and a 1280 px desktop, with screenshots in `target/screenshots/`.
 */
class OperatorConsoleInChromiumIT {

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    /** A marketplace user whose row carries the given role (the console reads it from the users table). */
    private static User withRole(String role) {
        User user = Fixtures.user();
        Fixtures.admin().body(Map.of("roles", List.of(role))).patch("/admin/users/" + user.id()).then().statusCode(200);
        return user;
    }

    private static void status(String clientId, String expected) {
        Fixtures.admin().get("/admin/clients/" + clientId).then().statusCode(200).body("status", equalTo(expected));
    }

    @Test
    void aSellerAppliesAnOperatorRejectsWithANoteTheSellerEditsTheOperatorApprovesAndTheAppAuthorizes() throws IOException {
        User seller = Fixtures.user();
        User operator = withRole("operator");
        String name = "Repricer " + UUID.randomUUID().toString().substring(0, 8);
        try (Chromium sellerChrome = new Chromium(); Chromium operatorChrome = new Chromium()) {
            sellerChrome.signIn(seller, "/developers/apps/apply");
            sellerChrome.find(By.name("client_name")).sendKeys(name);
            sellerChrome.find(By.name("redirect_uris")).sendKeys("http://127.0.0.1:9/wrong");
            sellerChrome.find(By.name("logo_uri")).sendKeys("https://cdn.example.com/logo.png");
            sellerChrome.find(By.name("tos_uri")).sendKeys("https://repricer.example.com/terms");
            sellerChrome.find(By.name("policy_uri")).sendKeys("https://repricer.example.com/privacy");
            sellerChrome.find(By.name("reason")).sendKeys("Reprices listings for sellers who connect it");
            sellerChrome.submit(sellerChrome.button("Apply"));
            String clientId = sellerChrome.find(By.id("client-id")).getText();
            Client app = new Client(clientId, sellerChrome.find(By.id("client-secret")).getText(), Map.of());
            status(clientId, "pending");

            // the operator finds it in the queue with its reason, and rejects it with a note
            operatorChrome.signIn(operator, "/console");
            WebElement entry = operatorChrome.find(By.cssSelector("li[data-client-id='" + clientId + "']"));
            assertTrue(entry.getText().contains("Reprices listings for sellers who connect it"), entry.getText());
            assertTrue(entry.getText().contains(seller.username()), entry.getText());
            entry.findElement(By.name("note")).sendKeys("The redirect URI is not on your domain");
            operatorChrome.submit(entry.findElement(By.xpath(".//button[text()='Reject']")));
            status(clientId, "rejected");

            // the seller reads the note and fixes the redirect URI: back to review
            sellerChrome.open("/developers/apps/" + clientId);
            assertEquals("The redirect URI is not on your domain", sellerChrome.find(By.id("status-note")).getText());
            WebElement uris = sellerChrome.find(By.id("redirect_uris"));
            uris.clear();
            uris.sendKeys(Fixtures.REDIRECT_URI);
            sellerChrome.submit(sellerChrome.button("Save"));
            assertTrue(sellerChrome.find(By.id("notice")).getText().contains("back to review"));
            status(clientId, "pending");

            // the operator approves it from its page, whose history shows every step
            operatorChrome.open("/console/apps/" + clientId);
            operatorChrome.submit(operatorChrome.button("Approve"));
            status(clientId, "approved");
            operatorChrome.open("/console/apps/" + clientId);
            String page = operatorChrome.source();
            assertTrue(page.contains("client.rejected") && page.contains("client.approved") && page.contains("operator:" + operator.id()),
                    "the status history names the operator");

            // and any user can now authorize it
            Outcome outcome = Flow.authorize(new Browser(), app, Fixtures.user(), "openid", "approve", Map.of());
            assertNotNull(outcome.code(), String.valueOf(outcome.callback()));
            Calls.exchange(app, outcome).then().statusCode(200);
        }
    }

    @Test
    void supportReadsTheConsoleButCannotApprove() throws IOException {
        Client pending = Fixtures.register(Fixtures.metadata());
        try (Chromium chrome = new Chromium()) {
            chrome.signIn(withRole("support"), "/console/apps/" + pending.id());
            assertTrue(chrome.source().contains("read only"));
            assertTrue(chrome.driver().findElements(By.xpath("//button[normalize-space(text())='Approve']")).isEmpty(),
                    "no approve button for support");
            chrome.open("/console");
            assertTrue(chrome.driver().findElements(By.cssSelector("form[action$='/approve']")).isEmpty());

            // a post made by hand is refused all the same
            chrome.leavePage(() -> chrome.driver().executeScript("""
                    const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
                    document.body.appendChild(f); f.submit();""", "/console/apps/" + pending.id() + "/approve"));
            assertTrue(chrome.path().endsWith("/approve"), chrome.path());
            assertTrue(List.of("Request refused", "Not for your account").contains(chrome.h1()), chrome.h1());
            status(pending.id(), "pending");
        }
    }

    @Test
    void aUserWithoutAConsoleRoleGetsTheForbiddenPage() throws IOException {
        try (Chromium chrome = new Chromium()) {
            chrome.signIn(Fixtures.user(), "/console");
            assertEquals("Not for your account", chrome.h1());
            chrome.checkAtEveryWidth("console-forbidden", "/console");
        }
        // the status too, through the same sign-in
        Browser browser = new Browser();
        Browser.Page login = browser.follow(browser.get(java.net.URI.create(Stack.ISSUER + "/console")), "nowhere:");
        User plain = Fixtures.user();
        Browser.Page after = browser.follow(browser.submit(login.form("password"),
                Map.of("username", plain.username(), "password", plain.password())), "nowhere:");
        assertEquals(403, after.status(), after.body());
    }

    @Test
    void aConsoleFormPostedWithoutItsCsrfTokenIsRefusedAndChangesNothing() throws IOException {
        Client app = Fixtures.approved(Fixtures.metadata());
        try (Chromium chrome = new Chromium()) {
            chrome.signIn(withRole("operator"), "/console/apps/" + app.id());
            chrome.driver().executeScript("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove());");
            chrome.submit(chrome.button("Suspend"));
            assertEquals("Request refused", chrome.h1());
            chrome.checkShownAtEveryWidth("console-csrf-refused");
        }
        status(app.id(), "approved");
    }

    @Test
    void everyConsolePageFitsAPhoneAndADesktop() throws IOException {
        User seller = Fixtures.user();
        Client app = Fixtures.register(Fixtures.metadata());
        try (Chromium chrome = new Chromium()) {
            chrome.signIn(withRole("operator"), "/console");
            chrome.checkAtEveryWidth("console-queue", "/console");
            chrome.checkAtEveryWidth("console-apps", "/console/apps?q=&status=pending&type=third_party");
            chrome.checkAtEveryWidth("console-app", "/console/apps/" + app.id());
            chrome.checkAtEveryWidth("console-users", "/console/users?q=" + seller.username());
            chrome.checkAtEveryWidth("console-user", "/console/users/" + seller.id());
            chrome.checkAtEveryWidth("console-audit", "/console/audit?client_id=" + app.id());
        }
    }
}
