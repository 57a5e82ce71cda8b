package io.keyfair.token.events;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestStreams.Event;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.RevocationList;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The outbox rows each change writes, in the change's own transaction. Poll streams keep them pending. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class EventEmissionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RevocationList revocations;

    @Inject
    AuthorizationCodes codes;

    private boolean consentLive(String clientId, String userId) {
        return pool.preparedQuery("select revoked_at is null as live from consents where client_id = $1 and user_id = $2::uuid")
                .execute(Tuple.of(clientId, userId)).await().atMost(WAIT).iterator().next().getBoolean("live");
    }

    @Test
    void theUserRemovingTheAppWritesOneSessionRevokedWithTheConnection() {
        Created client = TestClients.thirdParty().create(pool);
        String userId = TestUsers.user().create(pool).id();
        String other = TestUsers.user().create(pool).id();
        TestStreams.connect(pool, client.clientId(), userId, "openid profile");
        TestStreams.connect(pool, client.clientId(), other, "openid profile");
        String streamId = TestStreams.poll(pool, client.clientId());

        assertTrue(revocations.removeConnection(client.clientId(), userId, Initiator.USER).await().atMost(WAIT));
        List<Event> events = TestStreams.events(pool, client.clientId());
        assertEquals(1, events.size(), "the other user's connection is untouched");
        Event e = events.get(0);
        assertEquals(SecurityEvents.SESSION_REVOKED, e.type());
        assertEquals(userId, e.userId());
        assertEquals("user", e.event().getString("initiating_entity"));
        assertNull(e.event().getValue("reason_admin"), "the user acted, not Keyfair");
        assertTrue(e.sessionId() != null && !e.sessionId().isEmpty());
        assertNull(e.streamId(), streamId);
        assertTrue(!consentLive(client.clientId(), userId));

        // removing it again ends nothing and tells nothing
        revocations.removeConnection(client.clientId(), userId, Initiator.USER).await().atMost(WAIT);
        assertEquals(1, TestStreams.events(pool, client.clientId()).size());
    }

    @Test
    void noStreamADisabledStreamOrOneAskingForOtherTypesGetsNoEvent() {
        Created bare = TestClients.thirdParty().create(pool);
        Created disabled = TestClients.thirdParty().create(pool);
        Created choosy = TestClients.thirdParty().create(pool);
        String userId = TestUsers.user().create(pool).id();
        for (Created c : List.of(bare, disabled, choosy)) {
            TestStreams.connect(pool, c.clientId(), userId, "openid");
        }
        TestStreams.poll(pool, disabled.clientId());
        TestStreams.status(pool, disabled.clientId(), "disabled");
        TestStreams.stream(pool, choosy.clientId(), TestStreams.POLL, null, null, SecurityEvents.CREDENTIAL_CHANGE);
        for (Created c : List.of(bare, disabled, choosy)) {
            assertTrue(revocations.removeConnection(c.clientId(), userId, Initiator.ADMIN).await().atMost(WAIT), "the connection ends");
            assertEquals(0, TestStreams.events(pool, c.clientId()).size());
        }
    }

    @Test
    void refreshTokenReuseTellsTheAppThatKeyfairEndedTheGrant() {
        Created client = TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid profile")
                .refreshGraceSeconds(0).create(pool);
        String userId = TestUsers.user().create(pool).id();
        TestStreams.connect(pool, client.clientId(), userId, "openid profile");
        TestStreams.poll(pool, client.clientId());
        Response tokens = exchange(client, code(codes, client, userId, List.of("openid", "profile"), null, null), null);
        String refreshToken = tokens.path("refresh_token");
        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken).then().statusCode(200);
        token(client, "grant_type", "refresh_token", "refresh_token", refreshToken).then().statusCode(400);

        String grantId = pool.preparedQuery("select grant_id from refresh_families where client_id = $1")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT).iterator().next().getString("grant_id");
        List<Event> events = TestStreams.events(pool, client.clientId());
        assertEquals(1, events.size());
        Event e = events.get(0);
        assertEquals(SecurityEvents.SESSION_REVOKED, e.type());
        assertEquals(grantId, e.sessionId(), "the session is the grant that ended");
        assertEquals("policy", e.event().getString("initiating_entity"));
        assertEquals("refresh token reuse detected", e.event().getJsonObject("reason_admin").getString("en"));
        assertTrue(consentLive(client.clientId(), userId), "only the grant ended, not the connection");
    }

    @Test
    void aReplayedCodeTellsTheAppTheSystemEndedTheGrant() {
        Created client = TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid").create(pool);
        String userId = TestUsers.user().create(pool).id();
        TestStreams.connect(pool, client.clientId(), userId, "openid");
        TestStreams.poll(pool, client.clientId());
        String code = code(codes, client, userId, List.of("openid"), null, null);
        exchange(client, code, null).then().statusCode(200);
        exchange(client, code, null).then().statusCode(400);
        List<Event> events = TestStreams.events(pool, client.clientId());
        assertEquals(1, events.size());
        assertEquals("system", events.get(0).event().getString("initiating_entity"));
        assertEquals("authorization code replayed", events.get(0).event().getJsonObject("reason_admin").getString("en"));
    }
}
