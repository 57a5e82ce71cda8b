package io.keyfair.registry.approval;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestStreams.Event;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

/** What an app hears (security events) when an admin suspends and reinstates it. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SuspensionEventsTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private void step(String id, String step, Map<String, ?> body) {
        given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().post("/admin/clients/" + id + "/" + step).then().statusCode(200);
    }

    @Test
    void suspensionRevokesEveryLiveConnectionAndDisablesTheStreamReinstatementEnablesIt() {
        String clientId = TestClients.thirdParty().create(pool).clientId();
        String alice = TestUsers.user().create(pool).id();
        String bob = TestUsers.user().create(pool).id();
        TestStreams.connect(pool, clientId, alice, "openid");
        TestStreams.connect(pool, clientId, bob, "openid");
        String streamId = TestStreams.poll(pool, clientId);

        step(clientId, "suspend", Map.of("reason", "Scraping"));
        List<Event> events = TestStreams.events(pool, clientId);
        assertEquals(3, events.size());
        List<Event> revoked = events.stream().filter(e -> e.type().equals(SecurityEvents.SESSION_REVOKED)).toList();
        assertEquals(Set.of(alice, bob), revoked.stream().map(Event::userId).collect(Collectors.toSet()));
        revoked.forEach(e -> assertEquals("admin", e.event().getString("initiating_entity")));
        Event disabled = events.stream().filter(e -> e.type().equals(SecurityEvents.STREAM_UPDATED)).findFirst().orElseThrow();
        assertEquals("disabled", disabled.event().getString("status"));
        assertEquals("Scraping", disabled.event().getString("reason"));
        assertEquals(streamId, disabled.streamId());
        assertEquals(1, events.stream().map(Event::txn).distinct().count(), "one change, one txn");

        // suspending again changes nothing and tells nothing
        step(clientId, "suspend", Map.of());
        assertEquals(3, TestStreams.events(pool, clientId).size());

        step(clientId, "approve", Map.of());
        List<Event> after = TestStreams.events(pool, clientId);
        assertEquals(4, after.size());
        Event enabled = after.get(3);
        assertEquals(SecurityEvents.STREAM_UPDATED, enabled.type());
        assertEquals("enabled", enabled.event().getString("status"));
    }
}
