package io.keyfair.authorize.page;

import static io.keyfair.authorize.TestRequests.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.keyfair.authorize.Browser;
import io.keyfair.authorize.Chromium;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Every page of this service in a real headless Chromium, as a phone (390 px wide) and a desktop
 * (1280 px) lay it out: nothing scrolls sideways, every control is on screen, every input is
 * labelled, headings go in order, the keyboard focus is visible and the page says its language.
 * Screenshots of each page at both widths go to `target/screenshots/` for people to look at.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PagesOnPhoneAndDesktopInChromiumTest {

    /** No break opportunity at all: only `overflow-wrap: anywhere` keeps it from widening the page. */
    private static final String UNBROKEN_NAME = "InventorySynchronisationAndRepricingAssistantForProfessionalSellersEverywhere";
    private static final String LONG_NAME = "A very long app name that goes on and on about listings, prices, stock levels and shipping labels";

    private record Screen(int width, int height, boolean mobile) {
    }

    private static final List<Screen> SCREENS = List.of(new Screen(390, 800, true), new Screen(1280, 800, false));

    /**
     * What a person would notice is wrong with the page on screen, one line each: sideways
     * scrolling, controls cut off, inputs without a label, headings out of order, no language.
     */
    private static final String PROBLEMS = """
            const width = arguments[0];
            const problems = [];
            const describe = el => el.outerHTML.slice(0, 120);
            if (window.innerWidth > width) {
              problems.push('laid out ' + window.innerWidth + ' px wide on a ' + width + ' px screen (zoomed out)');
            }
            if (document.documentElement.scrollWidth > width) {
              problems.push('scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in ' + width + ' px');
            }
            if (!document.documentElement.lang) {
              problems.push('html has no lang');
            }
            for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
              if (!el.labels || el.labels.length === 0) problems.push('no label: ' + describe(el));
            }
            for (const el of document.querySelectorAll('button, a[href], input:not([type=hidden]), select, textarea')) {
              const r = el.getBoundingClientRect();
              if (r.width === 0 || r.height === 0) problems.push('not shown: ' + describe(el));
              else if (r.left < 0 || r.right > width + 0.5) problems.push('off screen (' + r.left + '..' + r.right + '): ' + describe(el));
            }
            for (const img of document.querySelectorAll('img')) {
              if (!img.hasAttribute('alt')) problems.push('img without alt: ' + describe(img));
            }
            let level = 0;
            for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
              const next = Number(h.tagName.substring(1));
              if (next > level + 1) problems.push('heading skips a level: ' + describe(h));
              level = next;
            }
            if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
            return problems;
            """;

    @Inject
    Pool pool;

    private Chromium chromium;
    private ChromeDriver chrome;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = Chromium.start();
        chrome = chromium.driver();
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void loginPageOfAnAuthorizationRequestFitsAPhoneAndADesktop() throws IOException {
        TestClients.Created client = TestClients.thirdParty().name(UNBROKEN_NAME).create(pool);
        chrome.get(authorizeUrl(params(client, "openid profile")));
        assertTrue(chrome.getCurrentUrl().contains("/login?req="), chrome.getCurrentUrl());

        checkAtEveryWidth("login", chrome.getCurrentUrl(), () -> {
            assertOnScreen(chrome.findElement(By.linkText("Cancel")));
            assertOnScreen(chrome.findElement(By.cssSelector("img[alt='" + client.name() + " logo']")));
        });
        checkAtEveryWidth("login-plain", TestTokens.ISSUER + "/login", () -> {
        });
    }

    @Test
    void loginErrorIsAnnouncedAndTiedToTheFields() throws IOException {
        TestUsers.Created user = TestUsers.user().create(pool);
        chrome.get(TestTokens.ISSUER + "/login");
        chrome.findElement(By.name("username")).sendKeys(user.username());
        chrome.findElement(By.name("password")).sendKeys("not-the-password");
        chrome.findElement(By.cssSelector("form button[type=submit]")).click();

        WebElement alert = new WebDriverWait(chrome, Chromium.WAIT).ignoring(WebDriverException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
        assertEquals("Incorrect username or password.", alert.getText());
        for (String field : List.of("username", "password")) {
            WebElement input = chrome.findElement(By.name(field));
            assertEquals(alert.getAttribute("id"), input.getAttribute("aria-describedby"), field);
            assertEquals("true", input.getAttribute("aria-invalid"), field);
        }
        assertProblemsAbsent("login-error", 1280);
    }

    @Test
    void consentPageFitsAPhoneAndADesktopAndSaysWhoIsSignedIn() throws IOException {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().name(LONG_NAME + " " + UNBROKEN_NAME).create(pool);
        chromium.signIn(user);
        chrome.get(authorizeUrl(params(client, "openid profile email")));
        assertTrue(chrome.getCurrentUrl().contains("/consent?req="), chrome.getCurrentUrl());

        checkAtEveryWidth("consent", chrome.getCurrentUrl(), () -> {
            assertTrue(chrome.findElement(By.cssSelector(".who")).getText().contains("Signed in as " + user.username()));
            assertOnScreen(chrome.findElement(By.xpath("//button[normalize-space()='Not you?']")));
            assertOnScreen(chrome.findElement(By.xpath("//button[normalize-space()='Allow']")));
            assertOnScreen(chrome.findElement(By.xpath("//button[normalize-space()='Deny']")));
        });
    }

    @Test
    void connectedAppsWithLongNamesFitAPhoneWithTheirRemoveButtonsOnScreen() throws IOException {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created unbroken = TestClients.thirdParty().name(UNBROKEN_NAME).create(pool);
        TestClients.Created spaced = TestClients.thirdParty().name(LONG_NAME).create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(unbroken, "openid profile email"), user, "approve");
        browser.authorizeThrough(params(spaced, "openid profile"), user, "approve");
        chromium.signIn(user);

        checkAtEveryWidth("account-apps", TestTokens.ISSUER + "/account/apps", () -> {
            List<WebElement> remove = chrome.findElements(By.xpath("//button[normalize-space()='Remove access']"));
            assertEquals(2, remove.size(), "one remove button per connected app");
            remove.forEach(this::assertOnScreen);
        });
        checkAtEveryWidth("account", TestTokens.ISSUER + "/account", () -> {
            assertTrue(chrome.getCurrentUrl().endsWith("/account/apps"), chrome.getCurrentUrl());
        });
    }

    @Test
    void logoutConfirmationAndSignedOutPagesFitAPhoneAndADesktop() throws IOException {
        chromium.signIn(TestUsers.user().create(pool));
        checkAtEveryWidth("logout", TestTokens.ISSUER + "/logout", () -> {
            assertOnScreen(chrome.findElement(By.xpath("//button[normalize-space()='Sign out']")));
        });

        chrome.findElement(By.xpath("//button[normalize-space()='Sign out']")).click();
        new WebDriverWait(chrome, Chromium.WAIT).ignoring(WebDriverException.class)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "signed out"));
        String signedOut = chrome.getPageSource();
        for (Screen screen : SCREENS) {
            // the signed-out page answers a POST: looked at where it is, not loaded again
            chromium.viewport(screen.width(), screen.height(), screen.mobile());
            assertProblemsAbsent("signed-out", screen.width());
        }
        assertTrue(signedOut.contains("Sign in again"));
    }

    @Test
    void errorPageFitsAPhoneAndADesktop() throws IOException {
        checkAtEveryWidth("error", TestTokens.ISSUER + "/oauth/authorize?response_type=code&client_id=" + UNBROKEN_NAME, () -> {
            assertEquals("This request cannot be completed", chrome.findElement(By.tagName("h1")).getText());
        });
    }

    /** Loads the page at each screen size, checks it and keeps a screenshot. */
    private void checkAtEveryWidth(String page, String url, Runnable pageChecks) throws IOException {
        for (Screen screen : SCREENS) {
            chromium.viewport(screen.width(), screen.height(), screen.mobile());
            chrome.get(url);
            assertProblemsAbsent(page, screen.width());
            pageChecks.run();
            assertKeyboardFocusIsVisible(page);
        }
    }

    private void assertProblemsAbsent(String page, int width) throws IOException {
        chromium.screenshot(Path.of("target", "screenshots", page + "-" + width + ".png"));
        @SuppressWarnings("unchecked")
        List<Object> problems = (List<Object>) chrome.executeScript(PROBLEMS, width);
        assertEquals(List.of(), problems, page + " at " + width + " px");
    }

    /** The first Tab lands on a control that shows a focus outline. */
    private void assertKeyboardFocusIsVisible(String page) {
        chrome.executeScript("document.activeElement && document.activeElement.blur()");
        new Actions(chrome).sendKeys(Keys.TAB).perform();
        @SuppressWarnings("unchecked")
        Map<String, Object> focus = (Map<String, Object>) chrome.executeScript("""
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {tag: el.tagName, style: style.outlineStyle, width: style.outlineWidth};
                """);
        assertTrue(!"BODY".equals(focus.get("tag")) && !"none".equals(focus.get("style")) && !"0px".equals(focus.get("width")),
                page + ": keyboard focus is visible: " + focus);
    }

    private void assertOnScreen(WebElement element) {
        assertTrue(element.isDisplayed(), "shown: " + element);
        int left = element.getRect().getX();
        int right = left + element.getRect().getWidth();
        int width = ((Number) chrome.executeScript("return window.innerWidth")).intValue();
        assertTrue(left >= 0 && right <= width, "within the " + width + " px viewport: " + element.getText() + " " + element.getRect());
    }

    private static String authorizeUrl(Map<String, String> params) {
        return TestTokens.ISSUER + "/oauth/authorize?" + params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
