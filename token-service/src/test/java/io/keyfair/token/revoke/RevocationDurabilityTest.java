package io.keyfair.token.revoke;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.post;
import static io.keyfair.token.TokenCalls.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * "Cut an app off and it stays cut off": every revocation that ends refresh tokens is in
 * PostgreSQL, so neither a refresh nor an introspection works again after Redis lost its data;
 * and the client cache hears changes again after its Redis connection was dropped. Only this test
 * run's Redis database is flushed (FLUSHDB).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RevocationDurabilityTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<String> SCOPES = List.of("openid", "profile");

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    RevocationList revocations;

    @Inject
    ClientChanges changes;

    @Inject
    ClientDirectory directory;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    private record Grant(Created client, String userId, String code, Response tokens) {
        String refreshToken() {
            return tokens.path("refresh_token");
        }

        String accessToken() {
            return tokens.path("access_token");
        }
    }

    private Grant grant(TestClients builder) {
        Created client = builder.grantTypes("authorization_code refresh_token").scope("openid profile").create(pool);
        String user = TestUsers.user().create(pool).id();
        String code = code(codes, client, user, SCOPES, null, null);
        Response tokens = exchange(client, code, null);
        tokens.then().statusCode(200);
        return new Grant(client, user, code, tokens);
    }

    private static Response refresh(Created client, String refreshToken) {
        return token(client, "grant_type", "refresh_token", "refresh_token", refreshToken);
    }

    private void redisLosesEverything() {
        redis.execute("FLUSHDB").await().atMost(WAIT);
    }

    /** After Redis lost everything: no refresh, no active introspection, and the family revoked in PostgreSQL. */
    private void staysCutOff(Grant g, String refreshToken) {
        redisLosesEverything();
        refresh(g.client(), refreshToken).then().statusCode(400).body("error", equalTo("invalid_grant"));
        introspect(g.client(), g.accessToken()).then().statusCode(200).body("active", equalTo(false));
        introspect(g.client(), refreshToken).then().statusCode(200).body("active", equalTo(false));
        long live = pool.preparedQuery("select count(*) from refresh_families where client_id = $1 and user_id = $2::uuid and revoked_at is null")
                .execute(Tuple.of(g.client().clientId(), g.userId())).await().atMost(WAIT).iterator().next().getLong(0);
        assertEquals(0, live, "no live refresh family is left in PostgreSQL");
    }

    @Test
    void refreshTokenRevokedByTheClientStaysRevokedAfterRedisLosesItsData() {
        Grant g = grant(TestClients.confidential());
        post("/oauth/revoke", g.client(), "token", g.refreshToken()).then().statusCode(200);
        staysCutOff(g, g.refreshToken());
    }

    @Test
    void removedConnectionStaysRemovedAfterRedisLosesItsData() {
        Grant g = grant(TestClients.confidential());
        revocations.removeConnection(g.client().clientId(), g.userId(), Initiator.USER).await().atMost(WAIT);
        staysCutOff(g, g.refreshToken());
    }

    @Test
    void reusedRefreshTokenKillsTheFamilyForGoodEvenAfterRedisLosesItsData() {
        Grant g = grant(TestClients.confidential().refreshGraceSeconds(0));
        Response rotated = refresh(g.client(), g.refreshToken());
        rotated.then().statusCode(200);
        Awaitility.await().pollDelay(Duration.ofMillis(1100)).atMost(WAIT).until(() -> true);
        refresh(g.client(), g.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        staysCutOff(g, rotated.path("refresh_token"));
    }

    @Test
    void replayedCodeRevokesWhatItIssuedEvenAfterRedisLosesItsData() {
        Grant g = grant(TestClients.confidential());
        exchange(g.client(), g.code(), null).then().statusCode(400).body("error", equalTo("invalid_grant"));
        staysCutOff(g, g.refreshToken());
    }

    @Test
    void suspendedClientsFamiliesStayRevokedAfterReinstatementAndRedisLoss() {
        Grant g = grant(TestClients.confidential());
        revocations.revokeAllOfClient(g.client().clientId(), "client_suspended").await().atMost(WAIT);
        TestClients.setStatus(pool, changes, g.client().clientId(), "suspended");
        TestClients.setStatus(pool, changes, g.client().clientId(), "approved");
        Awaitility.await().atMost(WAIT).until(() -> refresh(g.client(), g.refreshToken()).statusCode() == 400);
        staysCutOff(g, g.refreshToken());
    }

    @Test
    void deletedUsersTokensStayRefusedAfterRedisLosesItsData() {
        Grant g = grant(TestClients.confidential());
        revocations.revokeAllOfUser(g.userId(), "user_deleted").await().atMost(WAIT);
        staysCutOff(g, g.refreshToken());
    }

    @Test
    void clientCacheHearsASuspensionAgainAfterItsRedisConnectionWasDropped() {
        Created client = TestClients.confidential().create(pool);
        token(client, "grant_type", "client_credentials").then().statusCode(200);
        assertTrue(directory.isListening());

        dropSubscriptionConnections();
        Awaitility.await().atMost(WAIT).until(directory::isListening);

        TestClients.setStatus(pool, changes, client.clientId(), "suspended");
        Awaitility.await().atMost(Duration.ofSeconds(1))
                .until(() -> token(client, "grant_type", "client_credentials").statusCode() == 401);
    }

    @Test
    void changesMadeWhileRedisWasGoneReachTheTokenEndpointWithinASecond() {
        Created client = TestClients.confidential().create(pool);
        token(client, "grant_type", "client_credentials").then().statusCode(200);
        dropSubscriptionConnections();
        // a change nobody could publish: only the dropped cache and the short TTL bring it in
        pool.preparedQuery("update clients set status = 'suspended' where client_id = $1")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT);
        Awaitility.await().atMost(Duration.ofMillis(1500))
                .until(() -> token(client, "grant_type", "client_credentials").statusCode() == 401);
    }

    /** Kills this application's subscription connection, as a Redis restart would. */
    private void dropSubscriptionConnections() {
        String name = "keyfair-client-changes-" + keys.clientChangesChannel().replaceAll("[^A-Za-z0-9_-]", "_");
        String clients = redis.execute("CLIENT", "LIST", "TYPE", "pubsub").await().atMost(WAIT).toString();
        int killed = 0;
        for (String line : clients.split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                redis.execute("CLIENT", "KILL", "ID", id).await().atMost(WAIT);
                killed++;
            }
        }
        assertNotNull(clients);
        assertTrue(killed > 0, "found the subscription connection by its name");
    }
}
