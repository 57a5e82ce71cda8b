package io.keyfair.registry.ssf;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** A client's `events_uri` is a push stream with every event type, kept with it (CONTRACT.md, "Security events"). */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class EventsUriStreamTest {

    private static final String HOOK = "https://hooks.example.com/ssf";

    @Inject
    TokenSigner signer;

    private String admin() {
        return TestTokens.admin().sign(signer);
    }

    private ValidatableResponse patch(String clientId, String json) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(json).patch("/admin/clients/" + clientId).then();
    }

    private static long pushStreams(String clientId, String url) throws SQLException {
        return TestRows.count("select count(*) from ssf_streams where client_id = ? and delivery_method = 'urn:ietf:rfc:8935'"
                + " and endpoint_url = ? and events_requested = '' and authorization_header is null", clientId, url);
    }

    @Test
    void aClientRegisteredWithAnEventsUriHasAPushStreamToIt() throws SQLException {
        String id = Registrations.register(admin(), Registrations.with(Registrations.machine(), "events_uri", HOOK)).id();
        assertEquals(1, pushStreams(id, HOOK));
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where client_id = ? and stream_id ~ '^[0-9a-f]{32}$'"
                + " and status = 'enabled'", id));
    }

    @Test
    void aClientWithoutAnEventsUriHasNoStream() throws SQLException {
        String id = Registrations.register(admin(), Registrations.machine()).id();
        assertEquals(0, TestRows.count("select count(*) from ssf_streams where client_id = ?", id));
    }

    @Test
    void changingTheEventsUriMovesTheStreamAndRemovingItDeletesIt() throws SQLException {
        String id = Registrations.register(admin(), Registrations.with(Registrations.machine(), "events_uri", HOOK)).id();
        String streamId = TestRows.text("select stream_id from ssf_streams where client_id = ?", id);

        patch(id, "{\"events_uri\": \"https://hooks.example.com/v2\"}").statusCode(200).body("events_uri", equalTo("https://hooks.example.com/v2"));
        assertEquals(1, pushStreams(id, "https://hooks.example.com/v2"));
        assertEquals(streamId, TestRows.text("select stream_id from ssf_streams where client_id = ?", id));

        patch(id, "{\"client_name\": \"Renamed\"}").statusCode(200);
        assertEquals(1, pushStreams(id, "https://hooks.example.com/v2"));

        patch(id, "{\"events_uri\": null}").statusCode(200);
        assertEquals(0, TestRows.count("select count(*) from ssf_streams where client_id = ?", id));
    }

    @Test
    void removingTheEventsUriKeepsAStreamTheAppMovedElsewhere() throws SQLException {
        String id = Registrations.register(admin(), Registrations.with(Registrations.machine(), "events_uri", HOOK)).id();
        TestRows.execute("update ssf_streams set delivery_method = 'urn:ietf:rfc:8936', endpoint_url = null where client_id = ?", id);
        patch(id, "{\"events_uri\": null}").statusCode(200);
        assertEquals(1, TestRows.count("select count(*) from ssf_streams where client_id = ?", id));
    }

    @Test
    void anEventsUriMustBeHttpsOrLoopbackHttp() throws SQLException {
        for (String bad : List.of("http://hooks.example.com/ssf", "ftp://hooks.example.com/ssf", "not a uri", "/relative")) {
            Map<String, Object> metadata = Registrations.with(Registrations.machine(), "events_uri", bad);
            given().auth().oauth2(admin()).contentType(ContentType.JSON).body(metadata).post("/admin/clients")
                    .then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
            assertEquals(0, TestRows.count("select count(*) from clients where client_name = ?", metadata.get("client_name")));
        }
        String id = Registrations.register(admin(), Registrations.with(Registrations.machine(), "events_uri", "http://127.0.0.1:9000/ssf")).id();
        assertEquals(1, pushStreams(id, "http://127.0.0.1:9000/ssf"));
        patch(id, "{\"events_uri\": \"http://hooks.example.com/ssf\"}").statusCode(400).body("error", equalTo("invalid_client_metadata"));
        assertEquals(1, pushStreams(id, "http://127.0.0.1:9000/ssf"));
    }

    @Test
    void ssfScopesNeedAConfidentialClientCredentialsClient() throws SQLException {
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Registrations.with(Registrations.publicClient(), "scope", "openid ssf.manage"))
                .post("/admin/clients").then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Registrations.with(Registrations.confidential(), "scope", "openid ssf.read"))
                .post("/admin/clients").then().statusCode(400).body("error", equalTo("invalid_client_metadata"));
        String id = Registrations.register(admin(), Registrations.with(Registrations.machine(), "scope", "ssf.manage ssf.read")).id();
        assertEquals(1, TestRows.count("select count(*) from clients where client_id = ? and scope = 'ssf.manage ssf.read'", id));
    }
}
