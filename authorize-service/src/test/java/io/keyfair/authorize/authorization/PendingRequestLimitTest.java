package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Anonymous authorization requests cannot grow Redis without bound: each one that waits for the
 * user is counted per client address, and past the limit the browser gets 429 with Retry-After.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PendingRequestLimitTest {

    @Inject
    Pool pool;

    @Inject
    RequestConfig config;

    @Test
    void oneAddressCannotStoreMoreThanTheLimitOfPendingRequests() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser flood = new Browser();
        for (int i = 0; i < config.maxPerAddress(); i++) {
            flood.authorize(params(client, "openid")).then().statusCode(302);
        }

        Response refused = flood.authorize(params(client, "openid"));
        refused.then().statusCode(429)
                .contentType(startsWith("text/html"))
                .body(containsString("Too many"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= config.rateWindow().toSeconds(), "Retry-After within the window: " + retryAfter);

        // another address is not affected
        new Browser().authorize(params(client, "openid")).then().statusCode(302)
                .header("Location", containsString("/login"));
    }
}
