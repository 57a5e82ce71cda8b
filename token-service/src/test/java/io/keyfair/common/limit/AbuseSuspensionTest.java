package io.keyfair.common.limit;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Automatic suspension by the abuse rules (CONTRACT "Errors, limits, bad input"): refresh-token
 * reuse detected 3 times in 24 hours, or a request limit exceeded in 10 separate minutes of one
 * hour, suspends the client with `suspended_by: "policy"`; its tokens stop at once. Wrong secrets
 * never suspend.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AbuseSuspensionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> SCOPES = List.of("openid", "profile");

    @Inject
    Pool pool;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    AuthorizationCodes codes;

    @Inject
    ClientChanges changes;

    @Inject
    RequestLimits limits;

    @Inject
    AbuseRules abuse;

    /** The limit tests count within one minute: do not start in its last seconds. */
    @BeforeEach
    void notAtTheEndOfAMinute() throws InterruptedException {
        long left = 60_000 - System.currentTimeMillis() % 60_000;
        if (left < 8_000) {
            Thread.sleep(left + 100);
        }
    }

    private static TestClients refreshingClient() {
        return TestClients.confidential().grantTypes("authorization_code refresh_token client_credentials")
                .scope("openid profile").refreshGraceSeconds(0);
    }

    /** Redeems a new grant's refresh token once, then presents the retired token again. */
    private void reuseRefreshToken(Created client) {
        String user = TestUsers.user().create(pool).id();
        String refreshToken = exchange(client, code(codes, client, user, SCOPES, null, null), null)
                .then().statusCode(200).extract().path("refresh_token");
        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken).then().statusCode(200);
        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken)
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    private Row clientRow(Created client) {
        return pool.preparedQuery("select status, status_reason, suspended_by, suspended_reason from clients where client_id = $1")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT).iterator().next();
    }

    private Row suspensionAudit(Created client) {
        var rows = pool.preparedQuery("""
                select actor, detail ->> 'reason' as reason from audit_events
                 where type = 'client.suspended' and client_id = $1""")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT);
        assertEquals(1, rows.rowCount(), "one client.suspended event");
        return rows.iterator().next();
    }

    private void assertSuspendedByPolicy(Created client, String reason) {
        Row row = clientRow(client);
        assertEquals("suspended", row.getString("status"));
        assertEquals("policy", row.getString("suspended_by"));
        assertEquals(reason, row.getString("suspended_reason"));
        assertNull(row.getString("status_reason"), "no admin's note");
        Row audit = suspensionAudit(client);
        assertEquals("policy", audit.getString("actor"));
        assertEquals(reason, audit.getString("reason"));
    }

    /** The earlier minutes of the hour in which another replica saw this client over its limit. */
    private void overTheLimitEarlier(Created client, long... minutesAgo) {
        long now = System.currentTimeMillis() / 60_000;
        for (long ago : minutesAgo) {
            redis.execute("ZADD", keys.limitExcessMinutes(client.clientId()), Long.toString(now - ago), Long.toString(now - ago))
                    .await().atMost(WAIT);
        }
    }

    /** One whole flush of this instance's counts, after any flush the timer has running. */
    private void flushed() {
        Awaitility.await().atMost(WAIT).until(() -> limits.counter().flush().await().atMost(WAIT));
    }

    @Test
    void thirdRefreshTokenReuseSuspendsTheClientByPolicy() {
        Created client = refreshingClient().create(pool);
        reuseRefreshToken(client);
        reuseRefreshToken(client);
        assertEquals("approved", clientRow(client).getString("status"));
        reuseRefreshToken(client);
        assertSuspendedByPolicy(client, "refresh_token_reuse");
    }

    @Test
    void suspensionByPolicyStopsTheClientsTokensAtOnce() {
        Created client = refreshingClient().create(pool);
        Created resourceServer = TestClients.confidential().introspectionAllowed().create(pool);
        String accessToken = token(client, "grant_type", "client_credentials").then().statusCode(200)
                .extract().path("access_token");
        for (int i = 0; i < 3; i++) {
            reuseRefreshToken(client);
        }
        introspect(resourceServer, accessToken).then().statusCode(200).body("active", equalTo(false));
        token(client, "grant_type", "client_credentials").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void approvedAgainTheClientGetsTokensAgain() {
        Created client = refreshingClient().create(pool);
        for (int i = 0; i < 3; i++) {
            reuseRefreshToken(client);
        }
        // what POST /admin/clients/{id}/approve does to the row
        pool.preparedQuery("update clients set status = 'approved', status_reason = null, suspended_by = null, suspended_reason = null where client_id = $1")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT);
        changes.publish(client.clientId()).await().atMost(WAIT);
        // the change is heard asynchronously; the next lookup after it reads the row again
        Awaitility.await().atMost(WAIT).until(
                () -> token(client, "grant_type", "client_credentials").statusCode() == 200);
    }

    @Test
    void twoReusesDoNotSuspend() {
        Created client = refreshingClient().create(pool);
        reuseRefreshToken(client);
        reuseRefreshToken(client);
        assertEquals("approved", clientRow(client).getString("status"));
        assertNull(clientRow(client).getString("suspended_by"));
    }

    @Test
    void limitExceededInTheTenthSeparateMinuteOfAnHourSuspendsTheClient() {
        Created client = TestClients.confidential().rateLimits(1, null).create(pool);
        overTheLimitEarlier(client, 1, 5, 10, 15, 20, 25, 30, 40, 59);
        token(client, "grant_type", "client_credentials").then().statusCode(200);
        Response over = token(client, "grant_type", "client_credentials");
        over.then().statusCode(429).body("error", equalTo("rate_limited"));
        // the flusher records the minute and applies the rule
        flushed();
        assertSuspendedByPolicy(client, "rate_limit_excess");
        token(client, "grant_type", "client_credentials").then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void minutesOverTheLimitBeforeTheHourDoNotCount() {
        Created client = TestClients.confidential().rateLimits(1, null).create(pool);
        overTheLimitEarlier(client, 1, 5, 10, 15, 20, 25, 30, 40, 61, 90);
        token(client, "grant_type", "client_credentials").then().statusCode(200);
        token(client, "grant_type", "client_credentials").then().statusCode(429);
        flushed();
        assertEquals("approved", clientRow(client).getString("status"));
    }

    @Test
    void manyRequestsOverTheLimitInOneMinuteCountAsOneMinute() {
        Created client = TestClients.confidential().rateLimits(1, null).create(pool);
        overTheLimitEarlier(client, 1, 2, 3, 4, 5, 6, 7, 8);
        token(client, "grant_type", "client_credentials").then().statusCode(200);
        for (int i = 0; i < 20; i++) {
            token(client, "grant_type", "client_credentials").then().statusCode(429);
        }
        flushed();
        assertEquals(9L, redis.execute("ZCARD", keys.limitExcessMinutes(client.clientId())).await().atMost(WAIT).toLong());
        assertEquals("approved", clientRow(client).getString("status"));
    }

    @Test
    void wrongSecretsNeverSuspendTheClient() {
        Created client = TestClients.confidential().create(pool);
        for (int i = 0; i < 30; i++) {
            given().contentType("application/x-www-form-urlencoded").header("X-Forwarded-For", "203.0.113.9")
                    .auth().preemptive().basic(client.clientId(), "wrong-secret").formParam("grant_type", "client_credentials")
                    .post("/oauth/token").then().statusCode(i < 20 ? 401 : 429);
        }
        flushed();
        assertEquals("approved", clientRow(client).getString("status"));
        assertEquals(0L, redis.execute("EXISTS", keys.limitExcessMinutes(client.clientId())).await().atMost(WAIT).toLong());
        token(client, "grant_type", "client_credentials").then().statusCode(200);
    }

    /** A user connected to the app, and the app's push stream, so that suspension has security events to write. */
    private void connectedWithAStream(Created client) {
        String user = TestUsers.user().create(pool).id();
        pool.preparedQuery("insert into consents (user_id, client_id, scope) values ($1::uuid, $2, 'openid profile')")
                .execute(Tuple.of(user, client.clientId())).await().atMost(WAIT);
        pool.preparedQuery("""
                insert into ssf_streams (client_id, stream_id, delivery_method, endpoint_url)
                values ($1, $2, 'urn:ietf:rfc:8935', 'https://receiver.example/events')""")
                .execute(Tuple.of(client.clientId(), "stream-" + client.clientId())).await().atMost(WAIT);
    }

    /** The security events written for the client: type suffix, then the event member that says who or what. */
    private List<String> securityEvents(Created client) {
        var rows = pool.preparedQuery("""
                select event_type, coalesce(event ->> 'initiating_entity', event ->> 'status') as what, txn
                  from security_events where client_id = $1 order by id""")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT);
        List<String> events = new ArrayList<>();
        Set<String> txns = new HashSet<>();
        for (Row row : rows) {
            String type = row.getString("event_type");
            events.add(type.substring(type.lastIndexOf('/') + 1) + " " + row.getString("what"));
            txns.add(row.getString("txn"));
        }
        assertEquals(rows.rowCount() == 0 ? 0 : 1, txns.size(), "one change, one txn");
        return events;
    }

    @Test
    void suspensionByRepeatedReuseWritesSessionRevokedAndStreamDisabledEvents() {
        Created client = refreshingClient().create(pool);
        connectedWithAStream(client);
        reuseRefreshToken(client);
        reuseRefreshToken(client);
        assertEquals(List.of(), securityEvents(client));
        reuseRefreshToken(client);
        assertSuspendedByPolicy(client, "refresh_token_reuse");
        assertEquals(List.of("session-revoked policy", "stream-updated disabled"), securityEvents(client));
    }

    @Test
    void limitExceededInTenSeparateMinutesSuspendsTheClientThroughTheFlusher() {
        Created client = TestClients.confidential().rateLimits(1, null).create(pool);
        connectedWithAStream(client);
        String accessToken = token(client, "grant_type", "client_credentials").then().statusCode(200)
                .extract().path("access_token");
        Created resourceServer = TestClients.confidential().introspectionAllowed().create(pool);
        // a replica whose minutes the test moves on, so ten minutes take no time
        LimitCounterTest.MovableClock clock = new LimitCounterTest.MovableClock(Instant.now());
        LimitCounter replica = new LimitCounter(redis::execute, keys, Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofSeconds(1), clock, abuse::limitExceeded);
        for (int minute = 1; minute <= 10; minute++) {
            assertEquals(0, replica.admit(client.clientId(), LimitCounter.Kind.CLIENT_CREDENTIALS, 1));
            for (int i = 0; i < 5; i++) {
                replica.admit(client.clientId(), LimitCounter.Kind.CLIENT_CREDENTIALS, 1);
            }
            replica.flush().await().atMost(WAIT);
            if (minute < 10) {
                assertEquals("approved", clientRow(client).getString("status"), "minute " + minute);
            }
            clock.advance(Duration.ofMinutes(1));
        }
        assertSuspendedByPolicy(client, "rate_limit_excess");
        assertEquals(List.of("session-revoked policy", "stream-updated disabled"), securityEvents(client));
        introspect(resourceServer, accessToken).then().statusCode(200).body("active", equalTo(false));
    }
}
