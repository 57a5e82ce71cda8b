package io.keyfair.userinfo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every response names its request (common's RequestIdRoute: the ingress's `X-Request-Id`, or one
 * made here), and carries HSTS exactly when it went over https (common's StrictTransportSecurity).
 * Userinfo stands for every service: the routes are common's.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RequestIdAndHstsTest {

    @Test
    void requestIdFromTheIngressIsEchoedInTheResponse() {
        given().header("X-Request-Id", "4f1c9e2a-ingress.7").get("/oauth/userinfo")
                .then().statusCode(401).header("X-Request-Id", equalTo("4f1c9e2a-ingress.7"));
    }

    @Test
    void requestWithoutIdGetsAFreshOne() {
        String first = given().get("/oauth/userinfo").then().statusCode(401)
                .header("X-Request-Id", matchesPattern("[0-9a-f]{32}")).extract().header("X-Request-Id");
        String second = given().get("/oauth/userinfo").then().extract().header("X-Request-Id");
        assertNotEquals(first, second);
    }

    @Test
    void requestIdThatIsNotAPlainTokenIsReplaced() {
        given().header("X-Request-Id", "x\" level=ERROR msg=forged").get("/oauth/userinfo")
                .then().statusCode(401).header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void idAlsoNamesTheAnswersOutsideTheApi() {
        given().header("X-Request-Id", "health-1").get("/q/health/live")
                .then().header("X-Request-Id", equalTo("health-1"));
    }

    @Test
    void responseOverHttpsFromTheIngressCarriesHsts() {
        // the test client is on loopback, which quarkus.http.proxy.trusted-proxies trusts
        given().header("X-Forwarded-Proto", "https").get("/oauth/userinfo")
                .then().statusCode(401).header("Strict-Transport-Security", equalTo("max-age=31536000"));
    }

    @Test
    void responseOverPlainHttpHasNoHsts() {
        given().get("/oauth/userinfo").then().statusCode(401).header("Strict-Transport-Security", nullValue());
        given().header("X-Forwarded-Proto", "http").get("/oauth/userinfo")
                .then().header("Strict-Transport-Security", not(equalTo("max-age=31536000")));
    }
}
