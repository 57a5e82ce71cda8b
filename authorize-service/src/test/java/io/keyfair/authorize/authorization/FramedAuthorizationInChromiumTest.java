package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.keyfair.authorize.Browser;
import io.keyfair.authorize.Chromium;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Framed transparent authorization in a real headless Chromium: the browser, not the server,
 * decides whether the continuation page may render, so only a frame on one of the client's
 * `frame_ancestors` ever leads to a code.
 *
 * <p>Chromium reaches the test server as the issuer ({@link Chromium}). The framing pages are
 * served by this test on two other `localhost` ports: one registered in the client's
 * `frame_ancestors`, one not. Both are same-site with the issuer (a site ignores the port), as
 * they must be for the `SameSite=Lax` session cookie to reach a framed request.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class FramedAuthorizationInChromiumTest {

    private static final Duration WAIT = Chromium.WAIT;
    /** How long a browser gets to (wrongly) deliver a code before we conclude it never will. */
    private static final Duration NEVER = Duration.ofSeconds(4);

    private static HttpServer allowed;
    private static HttpServer unlisted;
    /** The query of every request that reached a redirect URI on either framing server. */
    private static final BlockingQueue<Map<String, String>> CALLBACKS = new LinkedBlockingQueue<>();

    @Inject
    Pool pool;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    private Chromium chromium;
    private ChromeDriver chrome;

    @BeforeAll
    static void startFramingSites() throws IOException {
        allowed = framingSite();
        unlisted = framingSite();
    }

    @AfterAll
    static void stopFramingSites() {
        allowed.stop(0);
        unlisted.stop(0);
    }

    @BeforeEach
    void startChromium() throws IOException {
        CALLBACKS.clear();
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
    void fromAnAllowedOriginTheFrameEndsAtTheRedirectUriWithACode() throws Exception {
        TestClients.Created client = trustedClient();
        signInThroughTheLoginPage();
        Map<String, String> request = params(client, "openid", "prompt", "none");

        chrome.get(site(allowed) + "/frame?src=" + encode(authorizeUrl(request)));

        Map<String, String> callback = CALLBACKS.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(callback, "the frame reached the redirect URI");
        assertNotNull(callback.get("code"));
        assertEquals(request.get("state"), callback.get("state"));
        assertNull(callback.get("error"));
    }

    @Test
    void fromAnUnlistedOriginNoCodeIsEverIssued() throws Exception {
        TestClients.Created client = trustedClient();
        signInThroughTheLoginPage();
        long waitingBefore = waitingContinuations();

        chrome.get(site(unlisted) + "/frame?src=" + encode(authorizeUrl(params(client, "openid", "prompt", "none"))));

        assertNull(CALLBACKS.poll(NEVER.toSeconds(), TimeUnit.SECONDS), "no redirect URI was reached");
        // the server did answer the framed request (with the page), but the browser refused to render it
        assertEquals(waitingBefore + 1, waitingContinuations(), "the continuation was sent and never followed");
    }

    private TestClients.Created trustedClient() {
        return TestClients.thirdParty().trusted(site(allowed)).redirectUris(site(allowed) + "/cb").create(pool);
    }

    /** Signs in inside Chromium through the real login page, so it holds the session cookie. */
    private void signInThroughTheLoginPage() {
        chromium.signIn(TestUsers.user().create(pool));
    }

    /** Continuations issued and not yet followed, in this test run's Redis index and prefix. */
    private long waitingContinuations() {
        String pattern = keys.framedContinuation("*");
        return redis.key().keys(pattern).await().atMost(WAIT).size();
    }

    private static String authorizeUrl(Map<String, String> params) {
        return TestTokens.ISSUER + "/oauth/authorize?" + params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String site(HttpServer server) {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** A site with a page that frames `src`, and a redirect URI that records what it receives. */
    private static HttpServer framingSite() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/frame", exchange -> {
            String src = Browser.query(exchange.getRequestURI().toString()).get("src");
            respond(exchange, "<!DOCTYPE html><html><body><iframe id=\"f\" src=\"" + escape(src) + "\"></iframe></body></html>");
        });
        server.createContext("/cb", exchange -> {
            CALLBACKS.add(Browser.query(exchange.getRequestURI().toString()));
            respond(exchange, "<!DOCTYPE html><html><body><p id=\"received\">received</p></body></html>");
        });
        server.start();
        return server;
    }

    private static void respond(HttpExchange exchange, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
