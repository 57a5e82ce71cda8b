package io.keyfair.userinfo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.BiFunction;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.testing.TestUsers.Created;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.RevocationMirror;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Every kind of access-token revocation survives Redis losing its data: PostgreSQL holds it, the
 * check falls back to PostgreSQL while the mirror is not trusted, and the mirror is rebuilt.
 * Only this test run's Redis database is flushed (FLUSHDB), never another's.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RevocationDurabilityTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    RevocationList revocations;

    @Inject
    RevocationMirror mirror;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    private static Response get(String token) {
        return given().header("Authorization", "Bearer " + token).get("/oauth/userinfo");
    }

    private void redisLosesEverything() {
        redis.execute("FLUSHDB").await().atMost(WAIT);
    }

    private boolean epochPresent() {
        return redis.execute("EXISTS", keys.revocationMirrorEpoch()).await().atMost(WAIT).toInteger() == 1;
    }

    /** Revokes, flushes Redis, and shows the token refused at once and the mirror rebuilt with the entry. */
    private void survivesRedisLoss(BiFunction<TestTokens, Created, Uni<?>> revoke, String mirroredKey,
            BiFunction<TestTokens, Created, String> keyOf) {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        String token = t.sign(signer);
        get(token).then().statusCode(200);
        revoke.apply(t, user).await().atMost(WAIT);

        redisLosesEverything();

        // no epoch: the check asks PostgreSQL, never "not revoked" from an empty Redis
        get(token).then().statusCode(401).header("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token"));
        Awaitility.await().atMost(WAIT).until(this::epochPresent);
        String key = keyOf.apply(t, user);
        assertNotNull(redis.value(String.class).get(key).await().atMost(WAIT), "the mirror holds " + mirroredKey + " again");
        get(token).then().statusCode(401);
    }

    @Test
    void revokedAccessTokenStaysRevokedWhenRedisLosesItsData() {
        survivesRedisLoss((t, u) -> revocations.revoke(t.jti(), t.expiresAt()), "the jti",
                (t, u) -> keys.revokedAccessToken(t.jti()));
    }

    @Test
    void revokedGrantStaysRevokedWhenRedisLosesItsData() {
        survivesRedisLoss((t, u) -> revocations.revokeGrant(t.grantId(), "revoked"), "the grant",
                (t, u) -> keys.revokedGrant(t.grantId()));
    }

    @Test
    void suspendedClientsTokensStayRefusedWhenRedisLosesItsData() {
        survivesRedisLoss((t, u) -> revocations.revokeAllOfClient(t.clientId(), "client_suspended"), "the client cut-off",
                (t, u) -> keys.clientTokensRevokedBefore(t.clientId()));
    }

    @Test
    void removedConnectionStaysRemovedWhenRedisLosesItsData() {
        survivesRedisLoss((t, u) -> revocations.removeConnection(t.clientId(), u.id(), Initiator.USER), "the connection cut-off",
                (t, u) -> keys.userClientTokensRevokedBefore(t.clientId(), u.id()));
    }

    @Test
    void deletedUsersTokensStayRefusedWhenRedisLosesItsData() {
        survivesRedisLoss((t, u) -> revocations.revokeAllOfUser(u.id(), "user_deleted"), "the user cut-off",
                (t, u) -> keys.userTokensRevokedBefore(u.id()));
    }

    @Test
    void liveTokenKeepsWorkingWhileTheMirrorIsRebuilt() {
        Created user = TestUsers.user().create(pool);
        String token = TestTokens.forUser(user.id()).sign(signer);
        redisLosesEverything();
        assertFalse(epochPresent());
        get(token).then().statusCode(200).body("sub", equalTo(user.id()));
        Awaitility.await().atMost(WAIT).until(this::epochPresent);
        assertTrue(mirror.isTrusted() || epochPresent());
        get(token).then().statusCode(200);
    }

    @Test
    void revocationWrittenWhileRedisIsEmptyIsStillSeen() {
        Created user = TestUsers.user().create(pool);
        TestTokens t = TestTokens.forUser(user.id());
        String token = t.sign(signer);
        redisLosesEverything();
        revocations.revoke(t.jti(), t.expiresAt()).await().atMost(WAIT);
        get(token).then().statusCode(401);
        Awaitility.await().atMost(WAIT).until(this::epochPresent);
        get(token).then().statusCode(401);
    }
}
