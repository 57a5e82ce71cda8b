package io.keyfair.common.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.secret.Secrets;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/** What the CORS tests of each service share: browser origins, preflights and the answers a browser reads. */
public final class TestCors {

    private TestCors() {
    }

    /** Creates the client and announces it, as the registry does for every client it writes. */
    public static TestClients.Created registered(TestClients client, Pool pool, ClientChanges changes) {
        TestClients.Created created = client.create(pool);
        changes.publish(created.clientId()).await().atMost(Duration.ofSeconds(5));
        return created;
    }

    /** An origin no client registered yet. */
    public static String newOrigin() {
        return "https://spa-" + Secrets.randomHex(4) + ".example";
    }

    /** An `OPTIONS` preflight of `path` from `origin` for `method`, naming `headers` when not null. */
    public static Response preflight(String path, String origin, String method, String headers) {
        RequestSpecification spec = given().header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) {
            spec = spec.header("Access-Control-Request-Headers", headers);
        }
        return spec.options(path);
    }

    /** No `Access-Control-*` header at all: the browser keeps the answer from the page. */
    public static void assertNoCors(Response r) {
        List<String> cors = r.headers().asList().stream().map(h -> h.getName().toLowerCase())
                .filter(name -> name.startsWith("access-control-")).toList();
        assertEquals(List.of(), cors, "CORS headers on " + r.statusCode());
    }

    /** The page on `origin` may read the answer and its challenge headers, never with credentials. */
    public static void assertReadableFrom(Response r, String origin) {
        assertEquals(origin, r.header("Access-Control-Allow-Origin"));
        assertEquals("WWW-Authenticate, DPoP-Nonce", r.header("Access-Control-Expose-Headers"));
        assertNull(r.header("Access-Control-Allow-Credentials"));
        assertTrue(r.headers().getValues("Vary").contains("Origin"), "Vary: " + r.headers().getValues("Vary"));
    }
}
