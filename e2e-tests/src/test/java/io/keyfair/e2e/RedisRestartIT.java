package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Calls.introspectAsAdmin;
import static io.keyfair.e2e.Calls.refresh;
import static io.keyfair.e2e.Calls.revokeForm;
import static io.keyfair.e2e.Calls.userinfo;
import static io.keyfair.e2e.Fixtures.admin;
import static io.keyfair.e2e.Fixtures.clientCredentials;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/**
 * "Cut an app off and it stays cut off", with Redis restarted under the running stack: Redis runs
 * without persistence, so a restart loses everything it held. Revocations live in PostgreSQL, the
 * mirror is rebuilt, and the caches hear changes again once Redis is back. Runs only against the
 * local stack this build started or found (it restarts that stack's Redis).
 */
class RedisRestartIT {

    private static final String SCOPE = "openid profile";
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<Integer> SERVICE_PORTS = List.of(8081, 8082, 8083, 8084);

    @BeforeAll
    static void stack() {
        Assumptions.assumeTrue(System.getenv("KEYFAIR_E2E_ISSUER") == null || System.getenv("KEYFAIR_E2E_ISSUER").isBlank(),
                "restarts Redis: only against the local stack");
        Stack.ensureUp();
    }

    @Test
    void removedAppStaysRemovedAcrossARedisRestart() {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Browser browser = new Browser();
        Outcome o = Flow.authorize(browser, client, user, SCOPE, "approve", Map.of());
        Response tokens = exchange(client, o);
        tokens.then().statusCode(200);
        Page apps = browser.get(URI.create(Stack.ISSUER + "/account/apps"));
        browser.follow(browser.submit(revokeForm(apps, client.id()), Map.of()), "never");

        restartRedis();

        refresh(client, tokens.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        userinfo(tokens.path("access_token")).then().statusCode(401);
        introspectAsAdmin(tokens.path("access_token")).then().statusCode(200).body("active", equalTo(false));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> redisCli("EXISTS", "kf:{revoked}:mirror-epoch").equals("1"));
        userinfo(tokens.path("access_token")).then().statusCode(401);
    }

    @Test
    void revokedTokensAndASuspendedClientStayRefusedAcrossARedisRestart() {
        Client revoking = Fixtures.approved(Fixtures.metadata());
        Outcome o = Flow.authorize(new Browser(), revoking, Fixtures.user(), SCOPE, "approve", Map.of());
        Response tokens = exchange(revoking, o);
        given().auth().preemptive().basic(revoking.id(), revoking.secret()).contentType("application/x-www-form-urlencoded")
                .formParam("token", (String) tokens.path("access_token")).post("/oauth/revoke").then().statusCode(200);

        Client suspended = Fixtures.approved(Fixtures.metadata());
        Outcome s = Flow.authorize(new Browser(), suspended, Fixtures.user(), SCOPE, "approve", Map.of());
        Response suspendedTokens = exchange(suspended, s);
        admin().post("/admin/clients/" + suspended.id() + "/suspend").then().statusCode(200);

        restartRedis();

        userinfo(tokens.path("access_token")).then().statusCode(401);
        refresh(revoking, tokens.path("refresh_token")).then().statusCode(200); // revoking an access token keeps the grant
        userinfo(suspendedTokens.path("access_token")).then().statusCode(401);
        introspectAsAdmin(suspendedTokens.path("access_token")).then().body("active", equalTo(false));
        clientCredentials(suspended.id(), suspended.secret()).then().statusCode(401).body("error", equalTo("invalid_client"));
        // reinstated, the app still has to send the user through authorization again
        admin().post("/admin/clients/" + suspended.id() + "/approve").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> refresh(suspended, suspendedTokens.path("refresh_token")).statusCode() == 400);
    }

    @Test
    void approvalSuspensionAndRotationReachTheTokenEndpointAfterARedisRestart() {
        Client pending = Fixtures.register(Fixtures.machineMetadata());
        Client rotating = Fixtures.approved(Fixtures.machineMetadata());
        clientCredentials(pending.id(), pending.secret()).then().statusCode(401);
        clientCredentials(rotating.id(), rotating.secret()).then().statusCode(200);

        restartRedis();

        admin().post("/admin/clients/" + pending.id() + "/approve").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(pending.id(), pending.secret()).statusCode() == 200);
        String fresh = admin().post("/admin/clients/" + rotating.id() + "/secret").then().statusCode(200)
                .extract().path("client_secret");
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(rotating.id(), rotating.secret()).statusCode() == 401);
        clientCredentials(rotating.id(), fresh).then().statusCode(200);
        admin().post("/admin/clients/" + pending.id() + "/suspend").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(pending.id(), pending.secret()).statusCode() == 401);
    }

    /** Redis without persistence, restarted: everything it held is gone. Then every service is ready again. */
    private static void restartRedis() {
        redisCli("SHUTDOWN", "NOSAVE");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !redisCli("PING").equals("PONG"));
        run(ROOT.resolve("deploy/local/ensure-services").toString());
        for (int port : SERVICE_PORTS) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> given().baseUri("http://127.0.0.1").port(port).get("/q/health/ready").statusCode() == 200);
        }
    }

    private static String redisCli(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", "6379"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(String command) {
        try {
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO().start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + " failed");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
