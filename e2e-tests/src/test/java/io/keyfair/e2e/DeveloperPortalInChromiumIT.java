package io.keyfair.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/**
 * The developer portal's pages in a real headless Chromium against the running stack: a seller
 * signs in on Keyfair's login page, creates a dedicated app by typing into the form, uses it at
 * once (by the redirect flow, and with a refresh token for their own account issued on the app
 * page), and every portal page fits a 390 px phone and a 1280 px desktop (no sideways scroll,
 * every control on screen and labelled). Screenshots of each page at both widths go to
 * `target/screenshots/` for people to look at.
 */
class DeveloperPortalInChromiumIT {

    /** No break opportunity at all: only `overflow-wrap: anywhere` keeps it from widening the page. */
    private static final String UNBROKEN_NAME = "InventorySynchronisationAndRepricingAssistantForProfessionalSellersEverywhere";

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    @Test
    void aSellerCreatesADedicatedAppUsesItAtOnceAndEveryPortalPageFitsAPhoneAndADesktop() throws IOException {
        User seller = Fixtures.user();
        try (Chromium chrome = new Chromium()) {
            chrome.signIn(seller, "/developers/apps");
            chrome.checkAtEveryWidth("portal-apps-empty", "/developers/apps");
            chrome.checkAtEveryWidth("portal-new-app", "/developers/apps/new");
            chrome.checkAtEveryWidth("portal-apply", "/developers/apps/apply");

            chrome.open("/developers/apps/new");
            chrome.find(By.name("client_name")).sendKeys(UNBROKEN_NAME);
            chrome.find(By.name("redirect_uris")).sendKeys(Fixtures.REDIRECT_URI + "\nhttps://" + "x".repeat(120) + ".example.com/callback");
            for (String scope : new String[] {"openid", "profile"}) {
                org.openqa.selenium.WebElement box = chrome.find(By.cssSelector("input[name=scope][value=" + scope + "]"));
                if (!box.isSelected()) {
                    box.click();
                }
            }
            chrome.submit(chrome.button("Create app"));
            assertTrue(chrome.path().endsWith("/created"), chrome.path());
            String clientId = chrome.find(By.id("client-id")).getText();
            String secret = chrome.find(By.id("client-secret")).getText();
            assertTrue(secret.matches("[0-9a-f]{64}"));
            chrome.checkShownAtEveryWidth("portal-created");
            Client app = new Client(clientId, secret, java.util.Map.of());

            // used at once by the redirect flow: only its owner may authorize it
            Outcome owner = Flow.authorize(new Browser(), app, seller, "openid", "approve", java.util.Map.of());
            assertNotNull(owner.code(), String.valueOf(owner.callback()));
            Calls.exchange(app, owner).then().statusCode(200);

            // and with a refresh token for the owner's own account, issued on the app page
            chrome.checkAtEveryWidth("portal-app", "/developers/apps/" + clientId);
            chrome.submit(chrome.button("Issue a token for my account"));
            assertEquals("/developers/apps/" + clientId + "/own-token", chrome.path());
            String first = chrome.find(By.id("refresh-token")).getText();
            assertTrue(first.matches("[0-9a-f]{64}"), first);
            chrome.checkShownAtEveryWidth("portal-own-token");
            chrome.open("/developers/apps/" + clientId + "/own-token");
            assertFalse(chrome.source().contains(first), "the token is shown once");

            Response redeemed = Calls.refresh(app, first);
            redeemed.then().statusCode(200).body("token_type", equalTo("Bearer")).body("scope", equalTo("openid profile"));
            String successor = redeemed.path("refresh_token");
            String access = redeemed.path("access_token");
            Calls.introspectAsAdmin(access).then().body("active", equalTo(true)).body("sub", equalTo(seller.id()));

            // a new one revokes the previous one (its successor too) and its access tokens
            chrome.open("/developers/apps/" + clientId);
            chrome.submit(chrome.button("Issue a token for my account"));
            String second = chrome.find(By.id("refresh-token")).getText();
            assertNotEquals(first, second);
            Calls.refresh(app, successor).then().statusCode(400).body("error", equalTo("invalid_grant"));
            Calls.introspectAsAdmin(access).then().body("active", equalTo(false));
            Calls.refresh(app, second).then().statusCode(200);

            // the connection is on the owner's account page like any other
            chrome.open("/account/apps");
            assertTrue(chrome.source().contains(UNBROKEN_NAME), "listed on /account/apps");

            chrome.open("/developers/apps");
            assertTrue(chrome.source().contains(UNBROKEN_NAME));
            chrome.checkAtEveryWidth("portal-apps", "/developers/apps");
        }
    }
}
