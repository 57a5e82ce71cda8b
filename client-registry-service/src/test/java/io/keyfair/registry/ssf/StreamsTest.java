package io.keyfair.registry.ssf;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/** The SSF 1.0 stream management API an app calls with its own client_credentials token (CONTRACT.md, "Security events"). */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class StreamsTest {

    private static final String ISSUER = TestTokens.ISSUER;
    private static final String PUSH = "urn:ietf:rfc:8935";
    private static final String POLL = "urn:ietf:rfc:8936";
    private static final String RECEIVER = "https://receiver.example.com/ssf/events";

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    Streams streams;

    /** An approved backend app registered for both SSF scopes. */
    private String app() {
        return TestClients.confidential().scope("ssf.manage ssf.read").create(pool).clientId();
    }

    private RequestSpecification as(String clientId, String scope) {
        return given().auth().oauth2(TestTokens.forClient(clientId).scope(scope).sign(signer));
    }

    private RequestSpecification manager(String clientId) {
        return as(clientId, "ssf.manage");
    }

    private static Map<String, Object> push(String url) {
        return Map.of("delivery", Map.of("method", PUSH, "endpoint_url", url, "authorization_header", "Bearer receiver-secret"));
    }

    private String createPush(String clientId) {
        return manager(clientId).contentType(ContentType.JSON).body(push(RECEIVER)).post("/ssf/streams")
                .then().statusCode(201).extract().path("stream_id");
    }

    @Test
    void anAppCreatesItsStreamAndReadsItBackWithoutTheAuthorizationHeader() {
        String app = app();
        Response created = manager(app).contentType(ContentType.JSON)
                .body(Map.of("delivery", Map.of("method", PUSH, "endpoint_url", RECEIVER, "authorization_header", "Bearer receiver-secret"),
                        "description", "Listing sync receiver"))
                .post("/ssf/streams");
        created.then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("stream_id", matchesPattern("^[0-9a-f]{32}$"))
                .body("iss", equalTo(ISSUER))
                .body("aud", equalTo(app))
                .body("delivery.method", equalTo(PUSH))
                .body("delivery.endpoint_url", equalTo(RECEIVER))
                .body("delivery", not(hasKey("authorization_header")))
                .body("events_supported", hasSize(5))
                .body("events_requested", hasSize(0))
                .body("events_delivered", equalTo(created.path("events_supported")))
                .body("description", equalTo("Listing sync receiver"))
                .body(not(containsString("receiver-secret")));
        String streamId = created.path("stream_id");

        as(app, "ssf.read").get("/ssf/streams?stream_id=" + streamId).then().statusCode(200)
                .body("stream_id", equalTo(streamId)).body("delivery.endpoint_url", equalTo(RECEIVER))
                .body(not(containsString("receiver-secret")));
        // §8.1.1.2: without stream_id, every stream of the app, as an array
        as(app, "ssf.read").get("/ssf/streams").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].stream_id", equalTo(streamId));
    }

    @Test
    void anAppWithoutAStreamListsNone() {
        manager(app()).get("/ssf/streams").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void postingAgainReplacesTheStreamKeepingItsIdAndPollGetsKeyfairsEndpoint() throws SQLException {
        String app = app();
        String streamId = createPush(app);
        manager(app).contentType(ContentType.JSON)
                .body(Map.of("delivery", Map.of("method", POLL), "events_requested", List.of(SecurityEvents.SESSION_REVOKED)))
                .post("/ssf/streams")
                .then().statusCode(200)
                .body("stream_id", equalTo(streamId))
                .body("delivery.method", equalTo(POLL))
                .body("delivery.endpoint_url", equalTo(ISSUER + "/ssf/poll"))
                .body("events_requested", contains(SecurityEvents.SESSION_REVOKED))
                .body("events_delivered", contains(SecurityEvents.SESSION_REVOKED));
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where client_id = ? and endpoint_url is null"
                + " and authorization_header is null", app));
    }

    @Test
    void patchChangesOnlyTheMembersGivenAndKeepsTheReceiversCredential() throws SQLException {
        String app = app();
        String streamId = createPush(app);
        manager(app).contentType(ContentType.JSON)
                .body(Map.of("stream_id", streamId, "events_requested", List.of(SecurityEvents.CREDENTIAL_CHANGE, SecurityEvents.VERIFICATION)))
                .patch("/ssf/streams")
                .then().statusCode(200)
                .body("delivery.endpoint_url", equalTo(RECEIVER))
                .body("events_delivered", contains(SecurityEvents.CREDENTIAL_CHANGE, SecurityEvents.VERIFICATION));
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where stream_id = ? and authorization_header = ?", streamId,
                "Bearer receiver-secret"));

        // a new endpoint never gets the old endpoint's credential
        manager(app).contentType(ContentType.JSON)
                .body(Map.of("stream_id", streamId, "delivery", Map.of("method", PUSH, "endpoint_url", "https://other.example.com/ssf")))
                .patch("/ssf/streams")
                .then().statusCode(200).body("delivery.endpoint_url", equalTo("https://other.example.com/ssf"));
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where stream_id = ? and authorization_header is null", streamId));
    }

    @Test
    void deleteRemovesTheStream() throws SQLException {
        String app = app();
        String streamId = createPush(app);
        manager(app).delete("/ssf/streams?stream_id=" + streamId).then().statusCode(204);
        assertEquals(0, TestRows.count("select count(*) from ssf_streams where client_id = ?", app));
        manager(app).get("/ssf/streams?stream_id=" + streamId).then().statusCode(404).body("error", equalTo("not_found"));
        manager(app).delete("/ssf/streams?stream_id=" + streamId).then().statusCode(404);
    }

    @Test
    void withoutATokenTheAnswerIs401WithABearerChallenge() {
        given().get("/ssf/streams").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"keyfair\""));
        given().contentType(ContentType.JSON).body(push(RECEIVER)).post("/ssf/streams").then().statusCode(401);
        given().auth().oauth2("not.a.token").get("/ssf/status?stream_id=x").then().statusCode(401)
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .body("error", equalTo("invalid_token"));
    }

    @Test
    void ssfReadReadsButCannotChangeAnything() throws SQLException {
        String app = app();
        String streamId = createPush(app);
        as(app, "ssf.read").get("/ssf/status?stream_id=" + streamId).then().statusCode(200).body("status", equalTo("enabled"));
        as(app, "ssf.read").contentType(ContentType.JSON).body(push(RECEIVER)).post("/ssf/streams").then().statusCode(403)
                .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                .body("error", equalTo("insufficient_scope"));
        as(app, "ssf.read").contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "status", "paused"))
                .post("/ssf/status").then().statusCode(403);
        as(app, "ssf.read").delete("/ssf/streams?stream_id=" + streamId).then().statusCode(403);
        as(app, "ssf.read").contentType(ContentType.JSON).body(Map.of("stream_id", streamId)).post("/ssf/verify")
                .then().statusCode(403);
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where stream_id = ? and status = 'enabled'", streamId));
    }

    @Test
    void aTokenWithoutAnSsfScopeGets403() {
        String app = TestClients.confidential().create(pool).clientId();
        as(app, "profile").get("/ssf/streams").then().statusCode(403).body("error", equalTo("insufficient_scope"));
    }

    @Test
    void aTokenAUserGrantedCannotManageTheAppsStream() throws Exception {
        String app = app();
        String user = TestUsers.user().create(pool).id();
        given().auth().oauth2(TestTokens.forUser(user).clientId(app).scope("ssf.manage").sign(signer))
                .get("/ssf/streams").then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void aPendingAppsTokenIsRefused() {
        String app = TestClients.confidential().scope("ssf.manage").status("pending").create(pool).clientId();
        manager(app).get("/ssf/streams").then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void anotherAppsStreamIsNotFound() throws SQLException {
        String owner = app();
        String streamId = createPush(owner);
        String other = app();
        createPush(other);
        manager(other).get("/ssf/streams?stream_id=" + streamId).then().statusCode(404).body("error", equalTo("not_found"));
        manager(other).get("/ssf/status?stream_id=" + streamId).then().statusCode(404);
        manager(other).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "description", "mine"))
                .patch("/ssf/streams").then().statusCode(404);
        manager(other).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "status", "disabled"))
                .post("/ssf/status").then().statusCode(404);
        manager(other).contentType(ContentType.JSON).body(Map.of("stream_id", streamId)).post("/ssf/verify").then().statusCode(404);
        manager(other).delete("/ssf/streams?stream_id=" + streamId).then().statusCode(404);
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where stream_id = ? and client_id = ? and status = 'enabled'"
                + " and description is null", streamId, owner));
        assertEquals(0, TestRows.count("select count(*) from security_events where client_id = ?", owner));
    }

    @Test
    void badDeliveryOrEventTypesAreRefused() throws SQLException {
        String app = app();
        List<Object> bodies = List.of(
                push("http://receiver.example.com/ssf"),
                push("ftp://receiver.example.com/ssf"),
                push("/relative"),
                push("https://user:pw@receiver.example.com/ssf"),
                Map.of("delivery", Map.of("method", "urn:example:carrier-pigeon", "endpoint_url", RECEIVER)),
                Map.of("delivery", Map.of("method", PUSH)),
                Map.of("delivery", "push"),
                Map.of("delivery", Map.of("method", PUSH, "endpoint_url", RECEIVER, "authorization_header", "Bearer a\r\nX-Evil: 1")),
                Map.of("events_requested", List.of("https://schemas.example.com/event-type/unknown")),
                Map.of("events_requested", "all"),
                Map.of("description", "x".repeat(1001)));
        for (Object body : bodies) {
            manager(app).contentType(ContentType.JSON).body(body).post("/ssf/streams").then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
        manager(app).contentType(ContentType.JSON).body("{\"delivery\":").post("/ssf/streams").then().statusCode(400);
        assertEquals(0, TestRows.count("select count(*) from ssf_streams where client_id = ?", app));
    }

    @Test
    void plainHttpIsAcceptedOnLoopbackHostsOnly() {
        String app = app();
        for (String url : List.of("http://localhost:9000/ssf", "http://127.0.0.1:9000/ssf", "http://127.1.2.3/ssf", "http://[::1]:9000/ssf")) {
            manager(app).contentType(ContentType.JSON).body(push(url)).post("/ssf/streams").then().statusCode(anyOf200or201())
                    .body("delivery.endpoint_url", equalTo(url));
        }
        manager(app).contentType(ContentType.JSON).body(push("http://128.0.0.1/ssf")).post("/ssf/streams").then().statusCode(400);
    }

    private static org.hamcrest.Matcher<Integer> anyOf200or201() {
        return org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201));
    }

    @Test
    void statusIsSetAndReadBack() {
        String app = app();
        String streamId = createPush(app);
        manager(app).get("/ssf/status?stream_id=" + streamId).then().statusCode(200)
                .body("stream_id", equalTo(streamId)).body("status", equalTo("enabled")).body("reason", nullValue());
        manager(app).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "status", "paused", "reason", "maintenance"))
                .post("/ssf/status").then().statusCode(200).body("status", equalTo("paused")).body("reason", equalTo("maintenance"));
        manager(app).get("/ssf/status?stream_id=" + streamId).then().statusCode(200)
                .body("status", equalTo("paused")).body("reason", equalTo("maintenance"));
        manager(app).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "status", "sleeping"))
                .post("/ssf/status").then().statusCode(400).body("error", equalTo("invalid_request"));
        manager(app).get("/ssf/status").then().statusCode(400);
    }

    @Test
    void aSuspendedAppsStreamReadsDisabledAndItsTokensStopWorking() {
        String app = app();
        String streamId = createPush(app);
        String token = TestTokens.forClient(app).scope("ssf.manage").sign(signer);
        Registrations.step(TestTokens.admin().sign(signer), app, "suspend");

        given().auth().oauth2(token).get("/ssf/status?stream_id=" + streamId).then().statusCode(401).body("error", equalTo("invalid_token"));
        Stream stream = streams.find(app).await().indefinitely().orElseThrow();
        assertEquals("enabled", stream.status());
        assertEquals(Map.of("stream_id", streamId, "status", "disabled", "reason", "The app is suspended"), stream.statusJson());
    }

    @Test
    void verifyQueuesAVerificationEventCarryingTheState() throws SQLException {
        String app = app();
        String streamId = createPush(app);
        manager(app).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "state", "VGhpcyBpcyBhbiBleGFtcGxl"))
                .post("/ssf/verify").then().statusCode(204);
        assertEquals(1, TestRows.count("select count(*) from security_events where client_id = ? and event_type = ? and stream_id = ?"
                + " and event->>'state' = ? and status = 'pending'", app, SecurityEvents.VERIFICATION, streamId, "VGhpcyBpcyBhbiBleGFtcGxl"));

        manager(app).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "state", "s".repeat(1001)))
                .post("/ssf/verify").then().statusCode(400);
        manager(app).contentType(ContentType.JSON).body(Map.of("state", "x")).post("/ssf/verify").then().statusCode(400);
    }

    @Test
    void verificationReachesAStreamThatAskedOnlyForSessionEvents() throws SQLException {
        String app = app();
        String streamId = manager(app).contentType(ContentType.JSON)
                .body(Map.of("delivery", Map.of("method", POLL), "events_requested", List.of(SecurityEvents.SESSION_REVOKED)))
                .post("/ssf/streams").then().statusCode(201).extract().path("stream_id");
        manager(app).contentType(ContentType.JSON).body(Map.of("stream_id", streamId, "state", "only-sessions"))
                .post("/ssf/verify").then().statusCode(204);
        assertEquals(1, TestRows.count("select count(*) from security_events where client_id = ? and event_type = ?"
                + " and event->>'state' = ?", app, SecurityEvents.VERIFICATION, "only-sessions"));
    }
}
