package io.keyfair.token.token;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.token;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.testing.Scrape;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** What token-service's /q/metrics tells an operator about tokens, errors and latency. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class TokenMetricsTest {

    private static final String ISSUED = "keyfair_tokens_issued_total";
    private static final String ERRORS = "keyfair_oauth_errors_total";

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Test
    void clientCredentialsTokenCountsOnceUnderItsGrantAndAlgorithm() {
        Created client = TestClients.confidential().algorithm("ES256").create(pool);
        double before = Scrape.now().value(ISSUED, "grant_type", "client_credentials", "alg", "ES256");

        token(client, "grant_type", "client_credentials").then().statusCode(200);

        Scrape after = Scrape.now();
        assertEquals(before + 1, after.value(ISSUED, "grant_type", "client_credentials", "alg", "ES256"));
        assertFalse(after.text().contains(client.clientId()), "no client id in any label");
    }

    @Test
    void everyGrantAndAlgorithmIsExportedBeforeItsFirstToken() {
        Set<String> series = Scrape.now().matching(ISSUED).stream()
                .map(s -> s.labels().get("grant_type") + " " + s.labels().get("alg")).collect(Collectors.toSet());
        for (String grant : List.of("authorization_code", "refresh_token", "client_credentials")) {
            assertTrue(series.contains(grant + " RS256") && series.contains(grant + " ES256"), grant + ": " + series);
        }
    }

    @Test
    void wrongSecretCountsAsInvalidClientAtTheTokenEndpoint() {
        Created client = TestClients.confidential().create(pool);
        double before = Scrape.now().value(ERRORS, "endpoint", "token", "error", "invalid_client");

        token(new Created(client.clientId(), client.name(), "wrong-" + client.secret(), client.redirectUri()),
                "grant_type", "client_credentials").then().statusCode(401);

        assertEquals(before + 1, Scrape.now().value(ERRORS, "endpoint", "token", "error", "invalid_client"));
    }

    @Test
    void refusedGrantCountsItsErrorAndNoToken() {
        Created client = TestClients.confidential().create(pool);
        Scrape before = Scrape.now();

        token(client, "grant_type", "password").then().statusCode(400);

        Scrape after = Scrape.now();
        assertEquals(before.value(ISSUED), after.value(ISSUED));
        assertEquals(before.value(ERRORS, "endpoint", "token", "error", "unsupported_grant_type") + 1,
                after.value(ERRORS, "endpoint", "token", "error", "unsupported_grant_type"));
    }

    @Test
    void reusedRefreshTokenCountsOneReuseDetection() {
        Created client = TestClients.confidential().refreshGraceSeconds(0)
                .grantTypes("authorization_code refresh_token").scope("openid profile").create(pool);
        String user = TestUsers.user().create(pool).id();
        String refreshToken = exchange(client, code(codes, client, user, List.of("openid", "profile"), null, null), null)
                .then().statusCode(200).extract().path("refresh_token");
        Scrape before = Scrape.now();

        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken).then().statusCode(200);
        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken).then().statusCode(400);

        Scrape after = Scrape.now();
        assertEquals(before.value("keyfair_refresh_reuse_total") + 1, after.value("keyfair_refresh_reuse_total"));
        assertEquals(before.value(ISSUED, "grant_type", "refresh_token", "alg", "RS256") + 1,
                after.value(ISSUED, "grant_type", "refresh_token", "alg", "RS256"));
        assertEquals(before.value(ERRORS, "endpoint", "token", "error", "invalid_grant") + 1,
                after.value(ERRORS, "endpoint", "token", "error", "invalid_grant"));
    }

    @Test
    void tokenEndpointLatencyHasHistogramBucketsUnderItsRouteAndService() {
        Created client = TestClients.confidential().create(pool);
        token(client, "grant_type", "client_credentials").then().statusCode(200);

        List<Scrape.Sample> buckets = Scrape.now().matching("http_server_requests_seconds_bucket",
                "application", "token-service", "uri", "/oauth/token", "method", "POST", "status", "200");
        Set<String> bounds = buckets.stream().map(s -> s.labels().get("le")).collect(Collectors.toSet());
        assertTrue(bounds.containsAll(Set.of("0.001", "0.005", "0.05", "1.0", "+Inf")), "buckets: " + bounds);
        assertTrue(buckets.stream().filter(s -> s.labels().get("le").equals("+Inf")).mapToDouble(Scrape.Sample::value).sum() >= 1);
    }

    @Test
    void unmatchedPathsShareOneUriLabel() {
        given().get("/oauth/token/0123456789abcdef").then().statusCode(404);
        given().post("/no/such/path/fedcba9876543210").then().statusCode(404);

        Scrape after = Scrape.now();
        assertTrue(after.value("http_server_requests_seconds_count", "uri", "NOT_FOUND") >= 2);
        assertFalse(after.text().contains("0123456789abcdef") || after.text().contains("fedcba9876543210"),
                "no raw path in any label");
    }
}
