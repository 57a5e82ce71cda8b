package io.keyfair.authorize.cors;

import static io.keyfair.authorize.TestRequests.params;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * CONTRACT "Browser apps (CORS)": the authorization endpoint and the pages never send CORS
 * headers, not even to an origin a client registered in `allowed_cors_origins`: only a top-level
 * navigation may reach them, never another origin's script.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class NoCorsTest {

    private static final String ORIGIN = "https://spa.example";

    @Inject
    Pool pool;

    private static void assertNoCors(Response r) {
        assertTrue(r.statusCode() < 500, "HTTP " + r.statusCode());
        List<String> cors = r.headers().asList().stream().map(h -> h.getName().toLowerCase())
                .filter(name -> name.startsWith("access-control-")).toList();
        assertEquals(List.of(), cors);
    }

    private String authorizeUri() {
        TestClients.Created spa = TestClients.publicClient().allowedCorsOrigins(ORIGIN).create(pool);
        StringBuilder uri = new StringBuilder("/oauth/authorize?");
        params(spa, "openid").forEach((k, v) -> uri.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        return uri.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void authorizationEndpointAnswersNoPreflight(String method) {
        assertNoCors(given().header("Origin", ORIGIN).header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "content-type").options(authorizeUri()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/oauth/authorize", "/login", "/consent", "/account", "/logout"})
    void pagesSendNoCorsHeaders(String path) {
        String uri = path.equals("/oauth/authorize") ? authorizeUri() : path;
        assertNoCors(given().redirects().follow(false).header("Origin", ORIGIN).get(uri));
        assertNoCors(given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST").options(uri));
    }
}
