package io.keyfair.authorize.page;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The one exception mapper of the pages: what a browser sees when a page fails, and that the
 * JSON APIs of the same service keep their JSON errors.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ErrorPageTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RedisKeys keys;

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void aPageThatFailsUnexpectedlyShowsTheGenericErrorPageAndNoDetail() {
        // a waiting request Redis holds but nobody can read: the login page cannot go on
        String id = Secrets.randomHex(16);
        redis.value(String.class).set(keys.authorizationRequest(id), "{not json").await().atMost(WAIT);

        Response r = new Browser().get("/login?req=" + id);

        r.then().statusCode(500)
                .contentType(startsWith("text/html"))
                .header("Cache-Control", containsString("no-store"))
                .header("X-Frame-Options", equalTo("DENY"))
                .body(containsString("Something went wrong"))
                .body(not(containsString("Exception")))
                .body(not(containsString("unreadable")));
    }

    @Test
    void aJsonResourceThatFailsUnexpectedlyKeepsTheJsonServerError() {
        given().when().get("/test-only/failing-api")
                .then().statusCode(500)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", containsString("no-store"))
                .body("error", equalTo("server_error"))
                .body(not(containsString("IllegalStateException")))
                .body(not(containsString("broken on purpose")));
    }
}
