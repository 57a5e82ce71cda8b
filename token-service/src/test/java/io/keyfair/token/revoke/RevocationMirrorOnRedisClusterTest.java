package io.keyfair.token.revoke;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.post;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.RedisClusterProfile;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.RevocationMirror;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The revocation mirror on a three-master Redis Cluster: its entries and its epoch share the
 * `{revoked}` hash tag, so the check (one MGET) and the rebuild (a script per chunk) run on one
 * node. A fallback to PostgreSQL would give the same answers, so these tests look at Redis and at
 * the mirror's trust, not only at the endpoints.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class RevocationMirrorOnRedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    RevocationMirror mirror;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    private record Issued(Created client, String accessToken, String jti) {
    }

    private Issued issued() throws Exception {
        Created client = TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid profile")
                .create(pool);
        String user = TestUsers.user().create(pool).id();
        Response tokens = exchange(client, code(codes, client, user, List.of("openid", "profile"), null, null), null);
        tokens.then().statusCode(200);
        String access = tokens.path("access_token");
        return new Issued(client, access, SignedJWT.parse(access).getJWTClaimsSet().getJWTID());
    }

    private boolean inRedis(String key) {
        return redis.key(String.class).exists(key).await().atMost(WAIT);
    }

    private void awaitTrusted() {
        Awaitility.await().atMost(WAIT).until(() -> inRedis(keys.revocationMirrorEpoch()) && mirror.isTrusted());
    }

    @Test
    void aRevokedAccessTokenIsMirroredToTheClusterAndFoundThereByIntrospection() throws Exception {
        awaitTrusted();
        Issued t = issued();

        post("/oauth/revoke", t.client(), "token", t.accessToken()).then().statusCode(200);

        assertTrue(inRedis(keys.revokedAccessToken(t.jti())), "the revocation is in the cluster");
        introspect(t.client(), t.accessToken()).then().statusCode(200).body("active", equalTo(false));
        assertTrue(mirror.isTrusted(), "the check read the mirror, it did not fall back to PostgreSQL");
    }

    @Test
    void aMirrorThatLostItsEpochIsRebuiltOnTheCluster() throws Exception {
        awaitTrusted();
        Issued t = issued();
        post("/oauth/revoke", t.client(), "token", t.accessToken()).then().statusCode(200);

        // the node of {revoked} loses the mirror: one DEL of several keys, possible only in one slot
        redis.key(String.class).del(keys.revocationMirrorEpoch(), keys.revokedAccessToken(t.jti())).await().atMost(WAIT);

        // PostgreSQL answers meanwhile, and the check that noticed starts the rebuild
        introspect(t.client(), t.accessToken()).then().statusCode(200).body("active", equalTo(false));
        Awaitility.await().atMost(WAIT).until(() -> inRedis(keys.revokedAccessToken(t.jti())));
        awaitTrusted();
        assertNotNull(redis.value(String.class).get(keys.revocationMirrorEpoch()).await().atMost(WAIT));
        introspect(t.client(), t.accessToken()).then().statusCode(200).body("active", equalTo(false));
    }
}
