package io.keyfair.common.limit;

import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.post;
import static io.keyfair.token.TokenCalls.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Request limits per client and minute at the token, revocation and introspection endpoints
 * (CONTRACT "Errors, limits, bad input"): `client_credentials` 60 per minute and everything else
 * 6,000 unless the client's `rate_limits` say otherwise, counted in memory and shared through
 * Redis with every replica by the flusher; over the limit, 429 `rate_limited` with `Retry-After`.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RequestLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    RequestLimits limits;

    /** Every test counts within one minute: do not start in its last seconds. */
    @BeforeEach
    void notAtTheEndOfAMinute() throws InterruptedException {
        long left = 60_000 - System.currentTimeMillis() % 60_000;
        if (left < 8_000) {
            Thread.sleep(left + 100);
        }
    }

    private static Response clientCredentials(Created client) {
        return token(client, "grant_type", "client_credentials");
    }

    private static void assertRateLimited(Response r) {
        r.then().statusCode(429)
                .contentType(startsWith("application/json"))
                .body("error", equalTo("rate_limited"))
                .body("error_description", not(emptyOrNullString()));
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After until the minute ends: " + retryAfter);
    }

    /** The shared count, once this instance flushed what it counted. */
    private String counted(Created client, String bucket) {
        flushed();
        var value = redis.execute("GET", keys.requestCount(client.clientId(), bucket, System.currentTimeMillis() / 60_000))
                .await().atMost(WAIT);
        return value == null ? null : value.toString();
    }

    private double rateLimitedTotal(String endpoint) {
        String line = "keyfair_rate_limited_total{endpoint=\"" + endpoint + "\"";
        return given().get("/q/metrics").asString().lines().filter(l -> l.startsWith(line))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** One whole flush of this instance's counts, after any flush the timer has running. */
    private void flushed() {
        Awaitility.await().atMost(WAIT).until(() -> limits.counter().flush().await().atMost(WAIT));
    }

    @Test
    void sixtyFirstClientCredentialsRequestOfAMinuteGets429WithRetryAfter() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 1; i <= 60; i++) {
            clientCredentials(client).then().statusCode(200);
        }
        assertRateLimited(clientCredentials(client));
    }

    @Test
    void clientsOwnClientCredentialsLimitReplacesTheDefault() {
        Created client = TestClients.confidential().rateLimits(3, null).create(pool);
        for (int i = 1; i <= 3; i++) {
            clientCredentials(client).then().statusCode(200);
        }
        assertRateLimited(clientCredentials(client));
        // refused requests are not counted
        assertEquals("3", counted(client, "cc"));
    }

    @Test
    void limitOfOneClientLeavesOtherClientsAlone() {
        Created limited = TestClients.confidential().rateLimits(1, null).create(pool);
        Created other = TestClients.confidential().rateLimits(1, null).create(pool);
        clientCredentials(limited).then().statusCode(200);
        assertRateLimited(clientCredentials(limited));
        clientCredentials(other).then().statusCode(200);
    }

    @Test
    void revocationAndIntrospectionCountTogetherAsOtherRequests() {
        Created client = TestClients.confidential().introspectionAllowed().rateLimits(null, 2).create(pool);
        String accessToken = clientCredentials(client).then().statusCode(200).extract().path("access_token");
        post("/oauth/revoke", client, "token", "0123456789abcdef").then().statusCode(200);
        introspect(client, accessToken).then().statusCode(200);
        assertRateLimited(post("/oauth/revoke", client, "token", "0123456789abcdef"));
        assertRateLimited(introspect(client, accessToken));
        assertEquals("2", counted(client, "other"));
        // client_credentials has its own limit, untouched by the other requests
        clientCredentials(client).then().statusCode(200);
    }

    @Test
    void countIsSharedThroughRedisSoEveryReplicaCountsTowardsTheLimit() {
        Created client = TestClients.confidential().rateLimits(5, null).create(pool);
        clientCredentials(client).then().statusCode(200);
        clientCredentials(client).then().statusCode(200);
        clientCredentials(client).then().statusCode(200);
        assertEquals("3", counted(client, "cc"));
        // another replica counted two more requests of this client in this minute
        redis.execute("INCRBY", keys.requestCount(client.clientId(), "cc", System.currentTimeMillis() / 60_000), "2")
                .await().atMost(WAIT);
        // the next flush (every 100 ms) reads the total of every replica back
        flushed();
        assertRateLimited(clientCredentials(client));
    }

    @Test
    void theFlusherSharesTheCountsWithoutBeingAsked() {
        Created client = TestClients.confidential().rateLimits(10, null).create(pool);
        clientCredentials(client).then().statusCode(200);
        clientCredentials(client).then().statusCode(200);
        String key = keys.requestCount(client.clientId(), "cc", System.currentTimeMillis() / 60_000);
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> {
            var value = redis.execute("GET", key).await().atMost(WAIT);
            return value != null && value.toLong() == 2;
        });
        long ttl = redis.execute("PTTL", key).await().atMost(WAIT).toLong();
        assertTrue(ttl > 0 && ttl <= 65_000, "a counter lives about a minute: " + ttl);
    }

    @Test
    void refusedRequestsAreCountedPerEndpointInPrometheus() {
        Created client = TestClients.confidential().rateLimits(1, 1).create(pool);
        double tokenBefore = rateLimitedTotal("token");
        double revokeBefore = rateLimitedTotal("revoke");
        clientCredentials(client).then().statusCode(200);
        assertRateLimited(clientCredentials(client));
        assertRateLimited(clientCredentials(client));
        post("/oauth/revoke", client, "token", "0123456789abcdef").then().statusCode(200);
        assertRateLimited(post("/oauth/revoke", client, "token", "0123456789abcdef"));
        assertEquals(tokenBefore + 2, rateLimitedTotal("token"));
        assertEquals(revokeBefore + 1, rateLimitedTotal("revoke"));
    }

    @Test
    void failedAuthenticationIsNotCountedAgainstTheLimit() {
        Created client = TestClients.confidential().rateLimits(2, null).create(pool);
        for (int i = 0; i < 5; i++) {
            given().contentType("application/x-www-form-urlencoded").header("X-Forwarded-For", "198.51.100.7")
                    .auth().preemptive().basic(client.clientId(), "wrong").formParam("grant_type", "client_credentials")
                    .post("/oauth/token").then().statusCode(401);
        }
        assertEquals(null, counted(client, "cc"));
        clientCredentials(client).then().statusCode(200);
        clientCredentials(client).then().statusCode(200);
    }
}
