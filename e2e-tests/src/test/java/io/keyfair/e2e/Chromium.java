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

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.keyfair.e2e.Fixtures.User;

/**
 * One headless Chromium (Debian's `chromium` and `chromium-driver`, which
 * `deploy/local/ensure-services` installs) with its own profile, for the portal's and the
 * console's pages: sign in on Keyfair's login page, and check a page at a 390 px phone and a
 * 1280 px desktop (no sideways scroll, every control on screen and labelled, `lang`, one `h1`),
 * keeping a screenshot of each width in `target/screenshots/` (build output, never committed).
 */
public final class Chromium implements AutoCloseable {

    private static final String BINARY = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(30);

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

    /** A screen the pages must work on. */
    public record Screen(int width, int height, boolean mobile) {
    }

    public static final Screen PHONE = new Screen(390, 800, true);
    public static final Screen DESKTOP = new Screen(1280, 800, false);
    public static final List<Screen> SCREENS = List.of(PHONE, DESKTOP);

    private final ChromeDriver chrome;
    private final Path profile;

    public Chromium() throws IOException {
        assertTrue(Files.isExecutable(Path.of(BINARY)) && Files.isExecutable(Path.of(DRIVER)),
                "Chromium and its driver are installed (apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("keyfair-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--host-rules=MAP *.example.com ~NOTFOUND");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(WAIT);
        viewport(PHONE);
    }

    public ChromeDriver driver() {
        return chrome;
    }

    /** Opens `path` of the issuer and signs in on Keyfair's login page; back on `path` after (first-party: no consent). */
    public void signIn(User user, String path) {
        chrome.get(Stack.ISSUER + path);
        chrome.findElement(By.name("username")).sendKeys(user.username());
        chrome.findElement(By.name("password")).sendKeys(user.password());
        leavePage(chrome.findElement(By.cssSelector("form button[type=submit]"))::click);
        new WebDriverWait(chrome, WAIT).until(ExpectedConditions.urlToBe(Stack.ISSUER + path));
    }

    public void open(String path) {
        chrome.get(Stack.ISSUER + path);
    }

    public WebElement find(By by) {
        return chrome.findElement(by);
    }

    /** The button with exactly this text. */
    public WebElement button(String text) {
        return chrome.findElement(By.xpath("//button[normalize-space(text())='" + text + "']"));
    }

    /** Clicks and waits for the next page to load (a form post and its redirect). */
    public void submit(WebElement button) {
        leavePage(button::click);
    }

    /**
     * Runs `action`, which leaves the page, and waits until the next page has loaded. The page
     * before is marked with a window property the next document does not have; asking for it
     * while Chromium swaps documents can fail with a driver error instead of an answer (the old
     * page's nodes are already gone), so such errors only mean "not yet".
     */
    public void leavePage(Runnable action) {
        chrome.executeScript("window.keyfairPageBefore = true;");
        action.run();
        new WebDriverWait(chrome, WAIT)
                .ignoring(WebDriverException.class)
                .until(driver -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                        "return window.keyfairPageBefore === undefined && document.readyState === 'complete';")));
    }

    public String path() {
        return java.net.URI.create(chrome.getCurrentUrl()).getPath();
    }

    public String source() {
        return chrome.getPageSource();
    }

    public String h1() {
        return chrome.findElement(By.tagName("h1")).getText();
    }

    public void viewport(Screen s) {
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", s.width(), "height", s.height(), "deviceScaleFactor", 1, "mobile", s.mobile()));
    }

    /** Loads `url` at each width, saves a screenshot and asserts the page has none of the problems above. */
    public void checkAtEveryWidth(String name, String path) throws IOException {
        for (Screen s : SCREENS) {
            viewport(s);
            chrome.get(Stack.ISSUER + path);
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) chrome.executeScript(PROBLEMS, s.width());
            screenshot(name + "-" + s.width());
            assertEquals(List.of(), problems, name + " at " + s.width() + " px");
        }
        viewport(PHONE);
    }

    /** The page as it is now (a page that cannot be loaded again, like a secret shown once) at each width, checked. */
    public void checkShownAtEveryWidth(String name) throws IOException {
        for (Screen s : SCREENS) {
            viewport(s);
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) chrome.executeScript(PROBLEMS, s.width());
            screenshot(name + "-" + s.width());
            assertEquals(List.of(), problems, name + " at " + s.width() + " px");
        }
        viewport(PHONE);
    }

    @SuppressWarnings("unchecked")
    public void screenshot(String name) throws IOException {
        Path file = Path.of("target/screenshots/" + name + ".png");
        Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                "width", ((Number) size.get("width")).doubleValue(), "height", ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() throws IOException {
        chrome.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
