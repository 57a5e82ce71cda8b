package io.keyfair.token.events;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestStreams.Event;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.RevocationList;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The outbox delivered by push (RFC 8935): a real receiver on 127.0.0.1, the real database. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class EventDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RevocationList revocations;

    @Inject
    Deliverer deliverer;

    @Inject
    Outbox outbox;

    private record Connection(String clientId, String userId, String streamId) {
    }

    /** An approved app connected to a new user, with a push stream to the endpoint. */
    private Connection connected(String endpoint) {
        String clientId = TestClients.thirdParty().create(pool).clientId();
        String userId = TestUsers.user().create(pool).id();
        TestStreams.connect(pool, clientId, userId, "openid profile email");
        String streamId = endpoint == null ? null : TestStreams.push(pool, clientId, endpoint);
        return new Connection(clientId, userId, streamId);
    }

    private List<Event> events(String clientId) {
        return TestStreams.events(pool, clientId);
    }

    private Event onlyEvent(String clientId) {
        List<Event> events = events(clientId);
        assertEquals(1, events.size(), "one event");
        return events.get(0);
    }

    @Test
    void aFailedPushIsRetriedWithTheSameSetWhichVerifiesAgainstTheJwks() throws Exception {
        try (Receiver receiver = new Receiver(500)) {
            Connection c = connected(receiver.url());
            assertTrue(revocations.removeConnection(c.clientId(), c.userId(), Initiator.USER).await().atMost(WAIT));

            await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(onlyEvent(c.clientId()).status()));
            Event e = onlyEvent(c.clientId());
            assertEquals(2, receiver.received.size(), "the 500, then the 202");
            assertEquals(receiver.received.get(0).body(), receiver.received.get(1).body(), "the same bytes, the same jti");
            assertEquals(2, e.attempts());
            assertEquals("application/secevent+jwt", receiver.received.get(0).contentType());
            assertEquals("application/json", receiver.received.get(0).accept());

            SignedJWT set = SignedJWT.parse(receiver.received.get(1).body());
            assertEquals(new JOSEObjectType("secevent+jwt"), set.getHeader().getType());
            assertEquals(JWSAlgorithm.RS256, set.getHeader().getAlgorithm());
            JWKSet jwks = JWKSet.parse(given().get("/oauth/jwks").asString());
            RSAKey key = (RSAKey) jwks.getKeyByKeyId(set.getHeader().getKeyID());
            assertTrue(set.verify(new RSASSAVerifier(key)), "signed by the issuer's published key");

            JWTClaimsSet claims = set.getJWTClaimsSet();
            assertEquals(TestTokens.ISSUER, claims.getIssuer());
            assertEquals(e.jti(), claims.getJWTID());
            assertEquals(e.txn(), claims.getStringClaim("txn"));
            assertEquals(c.clientId(), set.getPayload().toJSONObject().get("aud"), "aud is the client id, a string");
            assertNull(claims.getSubject());
            assertNull(claims.getExpirationTime());
            assertTrue(claims.getIssueTime() != null);
            Map<String, Object> events = claims.getJSONObjectClaim("events");
            assertEquals(Set.of(SecurityEvents.SESSION_REVOKED), events.keySet());
            @SuppressWarnings("unchecked")
            Map<String, Object> event = (Map<String, Object>) events.get(SecurityEvents.SESSION_REVOKED);
            assertEquals("user", event.get("initiating_entity"));
            Map<String, Object> subId = claims.getJSONObjectClaim("sub_id");
            assertEquals("complex", subId.get("format"));
            assertEquals(Map.of("format", "iss_sub", "iss", TestTokens.ISSUER, "sub", c.userId()), subId.get("user"));
            assertEquals(Map.of("format", "opaque", "id", e.sessionId()), subId.get("session"));
        }
    }

    @Test
    void streamEventsNameTheStreamAndCarryTheReceiversCredential() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String clientId = TestClients.thirdParty().create(pool).clientId();
            String streamId = TestStreams.stream(pool, clientId, TestStreams.PUSH, receiver.url(), "Bearer receiver-credential", "");
            pool.withTransaction(tx -> SecurityEvents.verification(tx, SecurityEvents.newTxn(), clientId, "abc"))
                    .await().atMost(WAIT);
            await().atMost(WAIT).until(() -> "delivered".equals(onlyEvent(clientId).status()));
            assertEquals("Bearer receiver-credential", receiver.received.get(0).authorization());
            JWTClaimsSet claims = SignedJWT.parse(receiver.received.get(0).body()).getJWTClaimsSet();
            assertEquals(Map.of("format", "opaque", "id", streamId), claims.getJSONObjectClaim("sub_id"));
            assertEquals(Map.of(SecurityEvents.VERIFICATION, Map.of("state", "abc")), claims.getJSONObjectClaim("events"));
        }
    }

    @Test
    void anEventLeasedByAnotherDelivererIsNotSentUntilTheLeaseRunsOut() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Connection c = connected(receiver.url());
            deliverer.stop();
            try {
                TestStreams.sessionRevoked(pool, c.clientId(), c.userId());
                // another replica's deliverer holds it
                pool.preparedQuery("update security_events set leased_until = now() + interval '30 seconds' where client_id = $1")
                        .execute(Tuple.of(c.clientId())).await().atMost(WAIT);
            } finally {
                deliverer.start();
            }
            Thread.sleep(1000);
            assertEquals(0, receiver.received.size(), "not sent while another deliverer holds it");
            // that deliverer died: its lease runs out
            pool.preparedQuery("update security_events set leased_until = now() - interval '1 second' where client_id = $1")
                    .execute(Tuple.of(c.clientId())).await().atMost(WAIT);
            await().atMost(WAIT).until(() -> "delivered".equals(onlyEvent(c.clientId()).status()));
            Thread.sleep(500);
            assertEquals(1, receiver.received.size(), "sent once");
        }
    }

    @Test
    void twoDeliverersClaimingAtOnceNeverTakeTheSameEvent() {
        String clientId = TestClients.thirdParty().create(pool).clientId();
        TestStreams.push(pool, clientId, "http://127.0.0.1:9/events");
        deliverer.stop();
        try {
            for (int i = 0; i < 40; i++) {
                TestStreams.sessionRevoked(pool, clientId, java.util.UUID.randomUUID().toString());
            }
            Set<Long> ours = events(clientId).stream().map(Event::id).collect(Collectors.toSet());
            var both = Uni.combine().all()
                    .unis(outbox.claim(50, Map.of(), 50, Duration.ofSeconds(30)), outbox.claim(50, Map.of(), 50, Duration.ofSeconds(30)))
                    .asTuple().await().atMost(WAIT);
            Set<Long> first = both.getItem1().stream().map(OutboxEvent::id).filter(ours::contains).collect(Collectors.toSet());
            Set<Long> second = both.getItem2().stream().map(OutboxEvent::id).filter(ours::contains).collect(Collectors.toSet());
            Set<Long> overlap = new HashSet<>(first);
            overlap.retainAll(second);
            assertTrue(overlap.isEmpty(), "no event claimed twice: " + overlap);
            assertEquals(ours, union(first, second), "every due event claimed by one of them");
            // a third claim finds them all leased
            assertTrue(outbox.claim(50, Map.of(), 50, Duration.ofSeconds(30)).await().atMost(WAIT).stream()
                    .noneMatch(e -> ours.contains(e.id())));
        } finally {
            pool.preparedQuery("delete from security_events where client_id = $1").execute(Tuple.of(clientId)).await().atMost(WAIT);
            deliverer.start();
        }
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void anEventWrittenWhileDeliveryWasStoppedIsDeliveredOnceItStarts() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Connection c = connected(receiver.url());
            deliverer.stop();
            try {
                revocations.removeConnection(c.clientId(), c.userId(), Initiator.ADMIN).await().atMost(WAIT);
                Thread.sleep(600);
                assertEquals(0, receiver.received.size());
                assertEquals("pending", onlyEvent(c.clientId()).status());
            } finally {
                deliverer.start();
            }
            await().atMost(WAIT).until(() -> "delivered".equals(onlyEvent(c.clientId()).status()));
            assertEquals(1, receiver.received.size());
        }
    }

    @Test
    void aDeadReceiverDoesNotDelayAnotherOne() throws Exception {
        // accepts connections and never answers
        try (ServerSocket dead = new ServerSocket(); Receiver live = new Receiver()) {
            dead.bind(new InetSocketAddress("127.0.0.1", 0), 200);
            String deadApp = TestClients.thirdParty().create(pool).clientId();
            TestStreams.push(pool, deadApp, "http://127.0.0.1:" + dead.getLocalPort() + "/events");
            for (int i = 0; i < 30; i++) {
                TestStreams.sessionRevoked(pool, deadApp, java.util.UUID.randomUUID().toString());
            }
            Thread.sleep(300); // the dead receiver's pushes are under way
            Connection c = connected(live.url());
            long start = System.nanoTime();
            revocations.removeConnection(c.clientId(), c.userId(), Initiator.USER).await().atMost(WAIT);
            await().atMost(Duration.ofSeconds(5)).until(() -> live.received.size() == 1);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < 1500, "delivered in " + tookMs + " ms, while the dead receiver times out after 2 s");
            pool.preparedQuery("delete from security_events where client_id = $1").execute(Tuple.of(deadApp)).await().atMost(WAIT);
        }
    }

    @Test
    void plainHttpToAnotherHostIsRefusedNotSent() {
        Connection c = connected("http://receiver.example.com/events");
        revocations.removeConnection(c.clientId(), c.userId(), Initiator.USER).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> "failed".equals(onlyEvent(c.clientId()).status()));
        assertEquals("refused: http only to a loopback host", onlyEvent(c.clientId()).lastError());
    }

    @Test
    void aReceiverThatKeepsFailingIsGivenUpOnAfterTheRetryPeriod() throws Exception {
        try (Receiver receiver = new Receiver(500, 500, 500)) {
            Connection c = connected(receiver.url());
            deliverer.stop();
            try {
                revocations.removeConnection(c.clientId(), c.userId(), Initiator.USER).await().atMost(WAIT);
                // written a day and an hour ago: past the 24 h of retries
                pool.preparedQuery("update security_events set created_at = now() - interval '25 hours' where client_id = $1")
                        .execute(Tuple.of(c.clientId())).await().atMost(WAIT);
            } finally {
                deliverer.start();
            }
            await().atMost(WAIT).until(() -> "failed".equals(onlyEvent(c.clientId()).status()));
            Event e = onlyEvent(c.clientId());
            assertEquals("HTTP 500", e.lastError());
            assertEquals(1, e.attempts());
            assertEquals(1, receiver.received.size());
        }
    }

    @Test
    void withoutAStreamTheEventFailsAndAPausedStreamHoldsIt() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Connection c = connected(receiver.url());
            TestStreams.status(pool, c.clientId(), "paused");
            TestStreams.sessionRevoked(pool, c.clientId(), c.userId());
            Thread.sleep(600);
            Event held = onlyEvent(c.clientId());
            assertEquals("pending", held.status());
            assertEquals(0, held.attempts());
            assertEquals(0, receiver.received.size());

            pool.preparedQuery("delete from ssf_streams where client_id = $1").execute(Tuple.of(c.clientId())).await().atMost(WAIT);
            pool.preparedQuery("update security_events set next_attempt_at = now() where client_id = $1")
                    .execute(Tuple.of(c.clientId())).await().atMost(WAIT);
            await().atMost(WAIT).until(() -> "failed".equals(onlyEvent(c.clientId()).status()));
            assertEquals("no stream", onlyEvent(c.clientId()).lastError());
            assertFalse(receiver.received.size() > 0);
        }
    }
}
