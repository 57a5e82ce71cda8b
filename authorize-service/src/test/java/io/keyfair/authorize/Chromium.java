package io.keyfair.authorize;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.restassured.RestAssured;

/**
 * A real headless Chromium (Debian's `chromium` and `chromium-driver`) for the tests, with a
 * fresh profile each time.
 *
 * <p>Chromium reaches the test server as the issuer, `http://localhost:8080` (mapped to the test
 * port with `--host-rules`, so the local stack on 8080 is never touched). Names under
 * `example.com` (the test clients' logos) resolve to nothing at once, so no page waits on the
 * network.
 */
public final class Chromium implements AutoCloseable {

    public static final String BINARY = "/usr/bin/chromium";
    public static final String DRIVER = "/usr/bin/chromedriver";
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium; fails (not skips) when it is missing: CI installs it. */
    public static Chromium start() throws IOException {
        assertTrue(Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(DRIVER)),
                "Chromium and its driver are installed (deploy/local/ensure-services: apt-get install chromium chromium-driver)");
        Path profile = Files.createTempDirectory("keyfair-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile,
                "--host-rules=MAP localhost:8080 127.0.0.1:" + RestAssured.port + ", MAP *.example.com ~NOTFOUND");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return new Chromium(driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Lays pages out as a device of this size would: `mobile` as a phone does (the page's
     * `viewport` meta tag decides the layout width, touch sizes apply).
     */
    public void viewport(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    /** Signs in through the real login page, so the browser holds the session cookie. */
    public void signIn(TestUsers.Created user) {
        driver.get(TestTokens.ISSUER + "/login");
        typeCredentials(user);
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains("/account/apps"));
        assertNotNull(driver.manage().getCookieNamed("kf_session"), "signed in");
    }

    /** Types the user's credentials into the login page on screen and submits it. */
    public void typeCredentials(TestUsers.Created user) {
        driver.findElement(By.name("username")).sendKeys(user.username());
        driver.findElement(By.name("password")).sendKeys(user.password());
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
    }

    /** A screenshot of the whole page, not only what is on screen, for people to look at (not compared). */
    @SuppressWarnings("unchecked")
    public void screenshot(Path file) throws IOException {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                "width", ((Number) size.get("width")).doubleValue(), "height", ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
