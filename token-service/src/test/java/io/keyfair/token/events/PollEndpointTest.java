package io.keyfair.token.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestStreams.Event;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/** RFC 8936 poll delivery at `POST /ssf/poll`. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PollEndpointTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    /** An app with a poll stream and this many pending events; its ssf.read token. */
    private record App(String clientId, String token) {
    }

    private App app(int events) {
        String clientId = TestClients.confidential().create(pool).clientId();
        TestStreams.poll(pool, clientId);
        for (int i = 0; i < events; i++) {
            TestStreams.sessionRevoked(pool, clientId, UUID.randomUUID().toString());
        }
        return new App(clientId, TestTokens.forClient(clientId).scope("ssf.read").sign(signer));
    }

    private static Response poll(String token, JsonObject body) {
        var spec = given().contentType(ContentType.JSON).body(body.encode());
        if (token != null) {
            spec = spec.header("Authorization", "Bearer " + token);
        }
        return spec.post("/ssf/poll");
    }

    @Test
    void acknowledgedEventsAreNotReturnedAgainAndMoreAvailableSaysWhatIsLeft() throws Exception {
        App app = app(3);
        Response first = poll(app.token(), new JsonObject().put("maxEvents", 2).put("returnImmediately", true));
        first.then().statusCode(200).header("Cache-Control", "no-store").body("sets", aMapWithSize(2)).body("moreAvailable", equalTo(true));
        Map<String, String> sets = first.path("sets");
        for (Map.Entry<String, String> set : sets.entrySet()) {
            SignedJWT jwt = SignedJWT.parse(set.getValue());
            assertEquals(new JOSEObjectType("secevent+jwt"), jwt.getHeader().getType());
            assertEquals(set.getKey(), jwt.getJWTClaimsSet().getJWTID());
        }

        Response second = poll(app.token(), new JsonObject().put("returnImmediately", true).put("ack", new JsonArray(List.copyOf(sets.keySet()))));
        second.then().statusCode(200).body("sets", aMapWithSize(1)).body("moreAvailable", equalTo(false));
        String last = ((Map<String, String>) second.path("sets")).keySet().iterator().next();
        assertTrue(!sets.containsKey(last));
        // the same SET on every poll until acknowledged
        assertEquals((String) second.path("sets." + last), poll(app.token(), new JsonObject().put("returnImmediately", true))
                .path("sets." + last));

        poll(app.token(), new JsonObject().put("returnImmediately", true).put("maxEvents", 0)
                .put("setErrs", new JsonObject().put(last, new JsonObject().put("err", "invalid_key").put("description", "unknown key"))))
                .then().statusCode(200).body("sets", aMapWithSize(0));
        List<Event> events = TestStreams.events(pool, app.clientId());
        assertEquals(2, events.stream().filter(e -> e.status().equals("delivered")).count());
        Event failed = events.stream().filter(e -> e.jti().equals(last)).findFirst().orElseThrow();
        assertEquals("failed", failed.status());
        assertTrue(failed.lastError().contains("invalid_key"));
    }

    @Test
    void anotherAppsAcknowledgementsChangeNothing() {
        App app = app(1);
        App other = app(0);
        String jti = TestStreams.events(pool, app.clientId()).get(0).jti();
        poll(other.token(), new JsonObject().put("returnImmediately", true).put("ack", new JsonArray().add(jti))
                .put("setErrs", new JsonObject().put(jti, new JsonObject().put("err", "x"))))
                .then().statusCode(200).body("sets", aMapWithSize(0));
        assertEquals("pending", TestStreams.events(pool, app.clientId()).get(0).status());
        poll(app.token(), new JsonObject().put("returnImmediately", true)).then().body("sets", aMapWithSize(1));
    }

    @Test
    void anEmptyPollWaitsForAnEventUnlessToldToReturnAtOnce() {
        App app = app(0);
        long start = System.currentTimeMillis();
        poll(app.token(), new JsonObject().put("returnImmediately", true)).then().statusCode(200).body("sets", aMapWithSize(0));
        assertTrue(System.currentTimeMillis() - start < 1500);
        new Thread(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                return;
            }
            TestStreams.sessionRevoked(pool, app.clientId(), UUID.randomUUID().toString());
        }).start();
        poll(app.token(), new JsonObject()).then().statusCode(200).body("sets", aMapWithSize(1));
    }

    @Test
    void refusedWithoutTheAppsOwnStreamToken() {
        App app = app(1);
        poll(null, new JsonObject()).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        poll("not-a-token", new JsonObject()).then().statusCode(401).body("error", equalTo("invalid_token"));
        poll(TestTokens.forClient(app.clientId()).scope("profile").sign(signer), new JsonObject())
                .then().statusCode(403).body("error", equalTo("insufficient_scope"));
        // a user's token is not the app's own
        poll(TestTokens.forUser(UUID.randomUUID().toString()).clientId(app.clientId()).scope("ssf.read").sign(signer), new JsonObject())
                .then().statusCode(403);
        poll(TestTokens.forClient(app.clientId()).scope("ssf.manage").sign(signer), new JsonObject().put("returnImmediately", true))
                .then().statusCode(200).body("sets", aMapWithSize(1));
        assertEquals("pending", TestStreams.events(pool, app.clientId()).get(0).status());
    }

    @Test
    void onlyAPollStreamIsPolledAndBadBodiesAreInvalidRequests() {
        String pushed = TestClients.confidential().create(pool).clientId();
        TestStreams.push(pool, pushed, "https://receiver.example.com/events");
        poll(TestTokens.forClient(pushed).scope("ssf.read").sign(signer), new JsonObject())
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        String none = TestClients.confidential().create(pool).clientId();
        poll(TestTokens.forClient(none).scope("ssf.read").sign(signer), new JsonObject()).then().statusCode(404);

        App app = app(0);
        poll(app.token(), new JsonObject().put("maxEvents", "many")).then().statusCode(400).body("error", equalTo("invalid_request"));
        poll(app.token(), new JsonObject().put("maxEvents", 5000)).then().statusCode(400);
        poll(app.token(), new JsonObject().put("ack", "abc")).then().statusCode(400);
        given().header("Authorization", "Bearer " + app.token()).contentType(ContentType.JSON).body("[1,2").post("/ssf/poll")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }
}
