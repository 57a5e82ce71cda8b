package io.keyfair.authorize.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SessionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RedisKeys keys;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    SessionConfig config;

    @Inject
    Sessions sessions;

    private static String digest(Browser browser) {
        return HexFormat.of().formatHex(Secrets.sha256(browser.cookies.get("kf_session")));
    }

    private boolean indexed(String userId, String digest) {
        return redis.set(String.class).sismember(keys.sessionsOfUser(userId), digest).await().atMost(WAIT);
    }

    @Test
    void aNewSessionIsListedInItsUsersIndexWhichOutlivesIt() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.login(browser.get("/login"), user).then().statusCode(303);

        assertTrue(indexed(user.id(), digest(browser)));
        long indexTtl = redis.key(String.class).ttl(keys.sessionsOfUser(user.id())).await().atMost(WAIT);
        long sessionTtl = redis.key(String.class).ttl(keys.session(digest(browser))).await().atMost(WAIT);
        assertTrue(indexTtl >= config.maxAge().toSeconds() - 60, "index TTL " + indexTtl + " s, at least the max age");
        assertTrue(indexTtl > sessionTtl, indexTtl + " s > " + sessionTtl + " s");
    }

    @Test
    void logoutTakesTheSessionOutOfTheIndex() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = new Browser();
        browser.login(browser.get("/login"), user).then().statusCode(303);
        String digest = digest(browser);

        // without an id_token_hint the user confirms on a CSRF-protected page first
        Response confirmation = browser.get("/logout");
        confirmation.then().statusCode(200);
        assertTrue(indexed(user.id(), digest), "not signed out before confirming");
        browser.submit(confirmation, Map.of("confirm", "yes")).then().statusCode(200);

        assertFalse(indexed(user.id(), digest));
    }

    @Test
    void endingEveryOneOfAUsersSessionsDeletesEachSessionAndTheIndex() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser phone = new Browser();
        phone.login(phone.get("/login"), user).then().statusCode(303);
        Browser laptop = new Browser();
        laptop.login(laptop.get("/login"), user).then().statusCode(303);

        sessions.endAll(user.id()).await().atMost(WAIT);

        for (Browser browser : new Browser[] { phone, laptop }) {
            assertFalse(redis.key(String.class).exists(keys.session(digest(browser))).await().atMost(WAIT));
        }
        assertFalse(redis.key(String.class).exists(keys.sessionsOfUser(user.id())).await().atMost(WAIT));
    }
}
