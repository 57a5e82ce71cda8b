package io.keyfair.registry.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.containsStringIgnoringCase;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReadinessTest {

    @Test
    void readinessReportsPostgresqlAndRedisUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsStringIgnoringCase("PostgreSQL")))
                .body("checks.name", hasItem(containsStringIgnoringCase("Redis")))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
