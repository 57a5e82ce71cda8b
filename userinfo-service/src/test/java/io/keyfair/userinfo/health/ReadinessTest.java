package io.keyfair.userinfo.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.everyItem;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Kubernetes only routes to a replica whose PostgreSQL and Redis answer. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReadinessTest {

    @Test
    void readinessIsUpAndChecksPostgresqlAndRedis() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                // "Reactive PostgreSQL connections health check", "Redis connection health check"
                .body("checks.name", hasItem(containsStringIgnoringCase("PostgreSQL")))
                .body("checks.name", hasItem(containsStringIgnoringCase("Redis")))
                .body("checks.status", everyItem(equalTo("UP")));
    }
}
