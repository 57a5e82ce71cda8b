package io.keyfair.e2e;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;

/**
 * The running local stack the tests talk to, through nginx as a client would. Unless
 * KEYFAIR_E2E_ISSUER names a running stack, `deploy/local/up` is run once (it starts what is not
 * running and restarts what is stale, and is harmless otherwise), with two token-service
 * instances unless KEYFAIR_TOKEN_REPLICAS says otherwise. With KEYFAIR_TLS=1 (which `up` sees too)
 * the issuer is https://localhost:8443, and every client of the tests trusts the local CA `up`
 * made (deploy/local/.state/tls/ca.pem, or KEYFAIR_E2E_CA) and nothing else: certificates are
 * checked, not switched off.
 */
public final class Stack {

    public static final String ISSUER;
    public static final String ADMIN_ID;
    public static final String ADMIN_SECRET;
    /** Trusts the local CA when the issuer is https; the JDK's default otherwise. */
    static final SSLContext SSL;

    static {
        String external = System.getenv("KEYFAIR_E2E_ISSUER");
        Path root = Path.of("").toAbsolutePath().getParent();
        if (external == null || external.isBlank()) {
            runUp(root);
            ISSUER = System.getenv().getOrDefault("KEYFAIR_ISSUER", tls() ? "https://localhost:8443" : "http://localhost:8080");
        } else {
            ISSUER = external;
        }
        Map<String, String> admin = adminCredentials(root);
        ADMIN_ID = admin.get("KEYFAIR_ADMIN_CLIENT_ID");
        ADMIN_SECRET = admin.get("KEYFAIR_ADMIN_CLIENT_SECRET");
        Seen.record(ADMIN_SECRET);
        URI issuer = URI.create(ISSUER);
        boolean https = "https".equals(issuer.getScheme());
        RestAssured.baseURI = ISSUER;
        RestAssured.port = issuer.getPort() == -1 ? (https ? 443 : 80) : issuer.getPort();
        RestAssured.urlEncodingEnabled = true;
        RestAssured.filters(Seen.FILTER);
        if (https) {
            KeyStore trust = LocalCa.trustStore(Path.of(System.getenv().getOrDefault("KEYFAIR_E2E_CA",
                    root.resolve("deploy/local/.state/tls/ca.pem").toString())));
            SSL = LocalCa.sslContext(trust);
            RestAssured.config = RestAssured.config().sslConfig(SSLConfig.sslConfig().trustStore(trust));
        } else {
            try {
                SSL = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** KEYFAIR_TLS as deploy/local/up reads it. */
    static boolean tls() {
        return switch (System.getenv().getOrDefault("KEYFAIR_TLS", "")) {
            case "1", "true", "yes" -> true;
            default -> false;
        };
    }

    /** An HTTP client for the stack: it trusts what the stack's certificate needs, nothing less. */
    public static HttpClient.Builder httpClient() {
        return HttpClient.newBuilder().sslContext(SSL);
    }

    private Stack() {
    }

    /** Makes sure the class initialised (and the stack is up). */
    public static void ensureUp() {
        waitReady();
    }

    private static void runUp(Path root) {
        try {
            ProcessBuilder builder = new ProcessBuilder(root.resolve("deploy/local/up").toString())
                    .directory(root.toFile()).inheritIO();
            // two token-service instances, as replicas run in production (ScaleOutIT checks them)
            builder.environment().putIfAbsent("KEYFAIR_TOKEN_REPLICAS", "2");
            Process up = builder.start();
            if (!up.waitFor(15, TimeUnit.MINUTES) || up.exitValue() != 0) {
                throw new IllegalStateException("deploy/local/up failed; see deploy/local/logs/");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run deploy/local/up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> adminCredentials(Path root) {
        Map<String, String> creds = new HashMap<>();
        String id = System.getenv("KEYFAIR_ADMIN_CLIENT_ID");
        String secret = System.getenv("KEYFAIR_ADMIN_CLIENT_SECRET");
        if (id != null && secret != null) {
            creds.put("KEYFAIR_ADMIN_CLIENT_ID", id);
            creds.put("KEYFAIR_ADMIN_CLIENT_SECRET", secret);
            return creds;
        }
        try {
            for (String line : Files.readAllLines(root.resolve("deploy/local/.state/admin.env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    creds.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("no admin credentials: set KEYFAIR_ADMIN_CLIENT_ID/SECRET", e);
        }
        return creds;
    }

    private static void waitReady() {
        HttpClient http = httpClient().build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(ISSUER + "/.well-known/openid-configuration")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stack at " + ISSUER + " is not ready");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String adminToken;
    private static long adminTokenUntil;

    /**
     * Drops the cached admin token, for a test that changed the signing keys under it (a token of a
     * key that is gone would fail every later test).
     */
    static synchronized void forgetAdminToken() {
        adminToken = null;
    }

    /** A bearer token with scope admin from the bootstrap admin client, reused while fresh. */
    public static synchronized String adminToken() {
        if (adminToken == null || System.currentTimeMillis() > adminTokenUntil) {
            adminToken = given().auth().preemptive().basic(ADMIN_ID, ADMIN_SECRET)
                    .contentType("application/x-www-form-urlencoded")
                    .formParam("grant_type", "client_credentials").formParam("scope", "admin")
                    .post("/oauth/token").then().statusCode(200).extract().path("access_token");
            adminTokenUntil = System.currentTimeMillis() + 600_000;
        }
        return adminToken;
    }
}
