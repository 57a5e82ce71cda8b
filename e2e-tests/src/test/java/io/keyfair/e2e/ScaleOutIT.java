package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Fixtures.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Fixtures.Client;
import io.restassured.response.Response;

/**
 * Two token-service instances sharing PostgreSQL and Redis, as `deploy/local/up` runs them with
 * `KEYFAIR_TOKEN_REPLICAS=2` (the e2e run asks for it): a request limit is one limit across both,
 * a suspension reaches both within a second, and parallel refreshes of one token through both
 * rotate it once. Each instance is called on its own port, so the test knows which one answered.
 */
class ScaleOutIT {

    private static final String FIRST = "http://127.0.0.1:8082";
    private static final String SECOND = "http://127.0.0.1:8092";

    @BeforeAll
    static void twoInstances() {
        Stack.ensureUp();
        Assumptions.assumeTrue(listening(8092),
                "a second token-service instance on :8092 (deploy/local/up with KEYFAIR_TOKEN_REPLICAS=2)");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Response clientCredentials(String instance, Client c) {
        return given().baseUri(instance).auth().preemptive().basic(c.id(), c.secret())
                .contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials")
                .post("/oauth/token");
    }

    private static Response refresh(String instance, Client c, String refreshToken) {
        return given().baseUri(instance).auth().preemptive().basic(c.id(), c.secret())
                .contentType("application/x-www-form-urlencoded").formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken).post("/oauth/token");
    }

    @Test
    void aRequestLimitIsOneLimitAcrossBothInstances() throws InterruptedException {
        Map<String, Object> metadata = Fixtures.machineMetadata();
        metadata.put("rate_limits", Map.of("client_credentials", 10));
        Client c = Fixtures.approved(metadata);
        // wait for a fresh minute window if this one is about to end, so all requests share one
        long second = (System.currentTimeMillis() / 1000) % 60;
        if (second > 50) {
            Thread.sleep((61 - second) * 1000);
        }
        for (int i = 0; i < 6; i++) {
            clientCredentials(FIRST, c).then().statusCode(200);
        }
        // both instances share their counts through Redis every 100 ms
        Thread.sleep(600);
        int admitted = 0;
        Response refused = null;
        for (int i = 0; i < 6; i++) {
            Response r = clientCredentials(SECOND, c);
            if (r.statusCode() == 200) {
                admitted++;
            } else {
                refused = r;
            }
        }
        assertEquals(4, admitted, "the second instance admits only what the first left of the limit of 10");
        refused.then().statusCode(429).body("error", equalTo("rate_limited"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1, "Retry-After: " + refused.header("Retry-After"));
        Thread.sleep(300);
        clientCredentials(FIRST, c).then().statusCode(429);
    }

    @Test
    void aSuspensionReachesBothInstancesWithinASecond() {
        Client c = Fixtures.approved(Fixtures.machineMetadata());
        String fromFirst = clientCredentials(FIRST, c).then().statusCode(200).extract().path("access_token");
        String fromSecond = clientCredentials(SECOND, c).then().statusCode(200).extract().path("access_token");
        admin().post("/admin/clients/" + c.id() + "/suspend").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> clientCredentials(FIRST, c).statusCode() == 401 && clientCredentials(SECOND, c).statusCode() == 401);
        for (String instance : List.of(FIRST, SECOND)) {
            for (String token : List.of(fromFirst, fromSecond)) {
                given().baseUri(instance).auth().preemptive().basic(Stack.ADMIN_ID, Stack.ADMIN_SECRET)
                        .contentType("application/x-www-form-urlencoded").formParam("token", token)
                        .post("/oauth/introspect").then().statusCode(200).body("active", equalTo(false));
            }
        }
    }

    @Test
    void twentyParallelRefreshesThroughBothInstancesRotateTheTokenOnce() throws Exception {
        Client c = Fixtures.approved(Fixtures.metadata());
        Response tokens = exchange(c, Flow.authorize(new Browser(), c, Fixtures.user(), "openid profile", "approve", Map.of()));
        String refreshToken = tokens.then().statusCode(200).extract().path("refresh_token");

        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String instance = i % 2 == 0 ? FIRST : SECOND;
                Callable<Response> call = () -> {
                    start.await();
                    return refresh(instance, c, refreshToken);
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            Set<String> successors = new HashSet<>();
            for (Future<Response> answer : answers) {
                Response r = answer.get();
                assertEquals(200, r.statusCode(), "a concurrent retry within the grace window gets the successor: " + r.asString());
                successors.add(r.path("refresh_token"));
            }
            assertEquals(1, successors.size(), "one successor for every concurrent refresh, on both instances");
            String successor = successors.iterator().next();
            refresh(SECOND, c, successor).then().statusCode(200);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClientAssertionSpentOnOneInstanceIsRefusedByTheOther() throws Exception {
        // RFC 7523 §3: a jti is used once, whichever replica sees it first
        RSAKey key = new RSAKeyGenerator(2048).keyID("e2e-1").generate();
        Map<String, Object> metadata = Fixtures.machineMetadata();
        metadata.put("token_endpoint_auth_method", "private_key_jwt");
        metadata.put("jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())));
        Client c = Fixtures.approved(metadata);
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(c.id()).subject(c.id()).audience(Stack.ISSUER)
                        .expirationTime(new Date(System.currentTimeMillis() + 60_000)).jwtID(UUID.randomUUID().toString())
                        .build());
        assertion.sign(new RSASSASigner(key));
        for (String instance : List.of(FIRST, SECOND)) {
            Response r = given().baseUri(instance).contentType("application/x-www-form-urlencoded")
                    .formParam("grant_type", "client_credentials")
                    .formParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                    .formParam("client_assertion", assertion.serialize())
                    .post("/oauth/token");
            if (instance.equals(FIRST)) {
                r.then().statusCode(200);
            } else {
                r.then().statusCode(401).body("error", equalTo("invalid_client"));
            }
        }
    }
}
