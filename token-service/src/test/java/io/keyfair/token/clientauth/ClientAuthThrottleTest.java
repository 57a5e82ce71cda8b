package io.keyfair.token.clientauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Failed client authentication is throttled per client id and client address (CONTRACT.md:
 * at most 20 failures in 10 minutes, then 429 `rate_limited` with `Retry-After`). The client
 * address is set with `X-Forwarded-For`, which the tests' loopback connection is trusted to send.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientAuthThrottleTest {

    private static final int LIMIT = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    @TestHTTPResource("/oauth/token")
    URI tokenEndpoint;

    private static Response call(String path, String address, String id, String secret, String... params) {
        var spec = given().contentType("application/x-www-form-urlencoded").header("X-Forwarded-For", address)
                .auth().preemptive().basic(id, secret);
        for (int i = 0; i < params.length; i += 2) {
            spec = spec.formParam(params[i], params[i + 1]);
        }
        return spec.post(path);
    }

    private static Response token(String address, String id, String secret) {
        return call("/oauth/token", address, id, secret, "grant_type", "client_credentials");
    }

    private static String wrong(Created client) {
        return new StringBuilder(client.secret()).reverse().toString();
    }

    private static void assertRateLimited(Response r) {
        r.then().statusCode(429)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo("rate_limited"))
                .body("error_description", not(emptyOrNullString()));
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 600, "Retry-After is the rest of the 10-minute window: " + retryAfter);
    }

    private void failLimitTimes(String path, String address, Created client, String... params) {
        for (int i = 0; i < LIMIT; i++) {
            call(path, address, client.clientId(), wrong(client), params).then().statusCode(401)
                    .body("error", equalTo("invalid_client"));
        }
    }

    private long failures(Created client, String address) {
        Long n = redis.value(String.class, Long.class).get(keys.clientAuthFailures(client.clientId(), address))
                .await().atMost(WAIT);
        return n == null ? 0 : n;
    }

    private Map<String, Long> auditTypes(Created client) {
        Map<String, Long> types = new TreeMap<>();
        pool.preparedQuery("select type, count(*) as n from audit_events where client_id = $1 group by type")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT)
                .forEach(row -> types.put(row.getString("type"), row.getLong("n")));
        return types;
    }

    @Test
    void twentyFirstFailureFromOneAddressGivesRateLimitedWithRetryAfter() {
        Created client = TestClients.confidential().create(pool);
        failLimitTimes("/oauth/token", "203.0.113.1", client, "grant_type", "client_credentials");
        assertRateLimited(token("203.0.113.1", client.clientId(), wrong(client)));
    }

    @Test
    void theRightSecretIsNeverThrottledSoTheTokenEndpointNeedsNoRedisRoundTrip() {
        Created client = TestClients.confidential().create(pool);
        failLimitTimes("/oauth/token", "203.0.113.2", client, "grant_type", "client_credentials");
        assertRateLimited(token("203.0.113.2", client.clientId(), wrong(client)));
        token("203.0.113.2", client.clientId(), client.secret()).then().statusCode(200)
                .body("access_token", not(emptyOrNullString()));
        assertRateLimited(token("203.0.113.2", client.clientId(), wrong(client)));
    }

    @Test
    void theRightSecretFromAnotherAddressIsNotAffected() {
        Created client = TestClients.confidential().create(pool);
        failLimitTimes("/oauth/token", "203.0.113.3", client, "grant_type", "client_credentials");
        assertRateLimited(token("203.0.113.3", client.clientId(), wrong(client)));
        token("198.51.100.3", client.clientId(), client.secret()).then().statusCode(200)
                .body("access_token", not(emptyOrNullString()));
    }

    @Test
    void successfulAuthenticationsDoNotCount() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 0; i < LIMIT + 5; i++) {
            token("203.0.113.4", client.clientId(), client.secret()).then().statusCode(200);
        }
        assertEquals(0, failures(client, "203.0.113.4"));
        token("203.0.113.4", client.clientId(), wrong(client)).then().statusCode(401);
        assertEquals(1, failures(client, "203.0.113.4"));
    }

    @Test
    void parallelWrongSecretsAreAllCountedAndAtMostTheLimitGetInvalidClient() {
        Created client = TestClients.confidential().create(pool);
        int sent = 30;
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (client.clientId() + ":" + wrong(client)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic)
                .header("X-Forwarded-For", "203.0.113.5")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Long> statuses = inFlight.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));

        assertTrue(statuses.getOrDefault(401, 0L) <= LIMIT, "at most the limit get invalid_client: " + statuses);
        assertEquals(sent, statuses.getOrDefault(401, 0L) + statuses.getOrDefault(429, 0L), "only 401 and 429: " + statuses);
        assertTrue(failures(client, "203.0.113.5") >= sent, "every wrong secret was counted");
    }

    @Test
    void revocationEndpointIsThrottledToo() {
        Created client = TestClients.confidential().create(pool);
        failLimitTimes("/oauth/revoke", "203.0.113.6", client, "token", "x");
        assertRateLimited(call("/oauth/revoke", "203.0.113.6", client.clientId(), wrong(client), "token", "x"));
    }

    @Test
    void introspectionEndpointIsThrottledToo() {
        Created client = TestClients.confidential().create(pool);
        failLimitTimes("/oauth/introspect", "203.0.113.7", client, "token", "x");
        assertRateLimited(call("/oauth/introspect", "203.0.113.7", client.clientId(), wrong(client), "token", "x"));
    }

    @Test
    void failuresAtEveryEndpointShareOneCount() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 0; i < LIMIT; i++) {
            String path = List.of("/oauth/token", "/oauth/revoke", "/oauth/introspect").get(i % 3);
            call(path, "203.0.113.8", client.clientId(), wrong(client), "grant_type", "client_credentials", "token", "x")
                    .then().statusCode(401);
        }
        assertRateLimited(token("203.0.113.8", client.clientId(), wrong(client)));
    }

    @Test
    void thirtyFailuresWriteOneFailureAndOneThrottledAuditEvent() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 0; i < 30; i++) {
            token("203.0.113.9", client.clientId(), wrong(client));
        }
        // audit events are written without making the client wait
        Awaitility.await().atMost(WAIT).until(() -> auditTypes(client).size() == 2);
        assertEquals(Map.of("client_auth.failed", 1L, "client_auth.throttled", 1L), auditTypes(client));
    }

    @Test
    void wrongSecretsNeverSuspendTheClient() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 0; i < LIMIT + 10; i++) {
            token("203.0.113.10", client.clientId(), wrong(client));
        }
        String status = pool.preparedQuery("select status from clients where client_id = $1").execute(Tuple.of(client.clientId()))
                .await().atMost(WAIT).iterator().next().getString("status");
        assertEquals("approved", status);
        token("198.51.100.10", client.clientId(), client.secret()).then().statusCode(200);
    }

    @Test
    void unknownClientIdsAreThrottledLikeKnownOnes() {
        String unknown = Secrets.newClientId();
        for (int i = 0; i < LIMIT; i++) {
            token("203.0.113.11", unknown, Secrets.newSecret()).then().statusCode(401).body("error", equalTo("invalid_client"));
        }
        assertRateLimited(token("203.0.113.11", unknown, Secrets.newSecret()));
    }
}
