package io.keyfair.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.keyfair.e2e.Fixtures.User;

/**
 * The developer portal's pages in a real headless Chromium (Debian's `chromium` and
 * `chromium-driver`) against the running stack: a seller signs in on Keyfair's login page, creates
 * a dedicated app by typing into the form, and every portal page fits a 390 px phone and a
 * 1280 px desktop (no sideways scroll, every control on screen and labelled). Screenshots of each
 * page at both widths go to `target/screenshots/` for people to look at.
 */
class DeveloperPortalInChromiumIT {

    private static final String BINARY = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** No break opportunity at all: only `overflow-wrap: anywhere` keeps it from widening the page. */
    private static final String UNBROKEN_NAME = "InventorySynchronisationAndRepricingAssistantForProfessionalSellersEverywhere";

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
            if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
            return problems;
            """;

    private record Screen(int width, int height, boolean mobile) {
    }

    private static final List<Screen> SCREENS = List.of(new Screen(390, 800, true), new Screen(1280, 800, false));

    private ChromeDriver chrome;
    private Path profile;

    @BeforeAll
    static void up() {
        Stack.ensureUp();
    }

    @BeforeEach
    void startChromium() throws IOException {
        assertTrue(Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(DRIVER)),
                "Chromium and its driver are installed (apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("keyfair-portal-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--host-rules=MAP *.example.com ~NOTFOUND");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chrome != null) {
            chrome.quit();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    @Test
    void everyPortalPageFitsAPhoneAndADesktop() throws IOException {
        User seller = Fixtures.user();
        viewport(SCREENS.get(0));
        chrome.get(Stack.ISSUER + "/developers/apps");
        chrome.findElement(By.name("username")).sendKeys(seller.username());
        chrome.findElement(By.name("password")).sendKeys(seller.password());
        chrome.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(chrome, WAIT).until(ExpectedConditions.urlToBe(Stack.ISSUER + "/developers/apps"));
        checkAtEveryWidth("portal-apps-empty", Stack.ISSUER + "/developers/apps");

        chrome.get(Stack.ISSUER + "/developers/apps/new");
        checkAtEveryWidth("portal-new-app", Stack.ISSUER + "/developers/apps/new");
        viewport(SCREENS.get(0));
        chrome.findElement(By.name("client_name")).sendKeys(UNBROKEN_NAME);
        chrome.findElement(By.name("redirect_uris")).sendKeys("https://" + "x".repeat(120) + ".example.com/callback");
        chrome.findElement(By.cssSelector("input[name=scope][value=profile]")).click();
        chrome.findElement(By.xpath("//button[text()='Create app']")).click();
        new WebDriverWait(chrome, WAIT).until(ExpectedConditions.urlContains("/created"));
        assertTrue(chrome.findElement(By.id("client-secret")).getText().matches("[0-9a-f]{64}"));
        screenshots("portal-created");

        chrome.get(Stack.ISSUER + "/developers/apps");
        assertTrue(chrome.getPageSource().contains(UNBROKEN_NAME));
        checkAtEveryWidth("portal-apps", Stack.ISSUER + "/developers/apps");
    }

    private void viewport(Screen s) {
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", s.width(), "height", s.height(), "deviceScaleFactor", 1, "mobile", s.mobile()));
    }

    private void checkAtEveryWidth(String name, String url) throws IOException {
        for (Screen s : SCREENS) {
            viewport(s);
            chrome.get(url);
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) chrome.executeScript(PROBLEMS, s.width());
            screenshot(Path.of("target/screenshots/" + name + "-" + s.width() + ".png"));
            assertEquals(List.of(), problems, name + " at " + s.width() + " px");
        }
    }

    private void screenshots(String name) throws IOException {
        for (Screen s : SCREENS) {
            viewport(s);
            screenshot(Path.of("target/screenshots/" + name + "-" + s.width() + ".png"));
        }
    }

    @SuppressWarnings("unchecked")
    private void screenshot(Path file) throws IOException {
        Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                "width", ((Number) size.get("width")).doubleValue(), "height", ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }
}
