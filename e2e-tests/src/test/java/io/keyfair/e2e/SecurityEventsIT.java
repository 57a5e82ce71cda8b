package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Calls.revokeForm;
import static io.keyfair.e2e.Fixtures.admin;
import static io.keyfair.e2e.Fixtures.clientCredentials;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;

import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;

/**
 * Security events as an app sees them through the ingress: a receiver registered as `events_uri`
 * hears, as signed SETs, that a seller removed the app, that an admin suspended and reinstated it;
 * a poll stream managed with the app's own `ssf.manage` token serves and forgets acknowledged SETs.
 */
class SecurityEventsIT {

    private static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    private static final String STREAM_UPDATED = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
    private static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";
    private static final Duration DELIVERY = Duration.ofSeconds(15);

    private static DefaultJWTProcessor<SecurityContext> sets;

    private HttpServer receiver;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();

    @BeforeAll
    static void stack() throws Exception {
        Stack.ensureUp();
        sets = new DefaultJWTProcessor<>();
        sets.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
        sets.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.create(new URL(Stack.ISSUER + "/oauth/jwks")).build()));
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = failFirst.getAndDecrement() > 0;
            if (!fail && "application/secevent+jwt".equals(contentType)) {
                received.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 202, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String eventsUri() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events";
    }

    /** A SET the receiver got for the app, verified against the issuer's JWKS, that matches. */
    private JWTClaimsSet awaitSet(String clientId, Predicate<JWTClaimsSet> wanted) {
        JWTClaimsSet[] found = new JWTClaimsSet[1];
        Awaitility.await().atMost(DELIVERY).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (String set : received) {
                JWTClaimsSet claims = sets.process(set, null);
                if (claims.getAudience().equals(List.of(clientId)) && wanted.test(claims)) {
                    found[0] = claims;
                    return true;
                }
            }
            return false;
        });
        JWTClaimsSet claims = found[0];
        assertEquals(Stack.ISSUER, claims.getIssuer());
        assertNotNull(claims.getJWTID());
        assertNotNull(claims.getIssueTime());
        assertNotNull(claims.getClaim("txn"));
        assertNull(claims.getSubject(), "an SSF SET has no sub");
        assertNull(claims.getExpirationTime(), "an SSF SET has no exp");
        assertEquals(1, events(claims).size(), "one event per SET");
        return claims;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> events(JWTClaimsSet claims) {
        return (Map<String, Object>) claims.getClaim("events");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> event(JWTClaimsSet claims, String type) {
        return (Map<String, Object>) events(claims).get(type);
    }

    private static Predicate<JWTClaimsSet> sessionRevokedOf(User user, String initiator) {
        return claims -> {
            Map<String, Object> event = event(claims, SESSION_REVOKED);
            Object subject = claims.getClaim("sub_id");
            return event != null && initiator.equals(event.get("initiating_entity"))
                    && subject instanceof Map<?, ?> sub && sub.get("user") instanceof Map<?, ?> u && user.id().equals(u.get("sub"));
        };
    }

    private static Predicate<JWTClaimsSet> streamUpdated(String status) {
        return claims -> {
            Map<String, Object> event = event(claims, STREAM_UPDATED);
            return event != null && status.equals(event.get("status"));
        };
    }

    private Client appWithReceiver() {
        Map<String, Object> metadata = Fixtures.metadata();
        metadata.put("events_uri", eventsUri());
        return Fixtures.approved(metadata);
    }

    @Test
    void theSellerRemovingTheAppIsPushedAsASessionRevokedSetEvenAfterAFailedFirstAttempt() {
        failFirst.set(1);
        Client app = appWithReceiver();
        User seller = Fixtures.user();
        Browser browser = new Browser();
        Outcome o = Flow.authorize(browser, app, seller, "openid profile", "approve", Map.of());
        exchange(app, o).then().statusCode(200);
        Page apps = browser.get(URI.create(Stack.ISSUER + "/account/apps"));
        browser.follow(browser.submit(revokeForm(apps, app.id()), Map.of()), "never");

        JWTClaimsSet set = awaitSet(app.id(), sessionRevokedOf(seller, "user"));
        @SuppressWarnings("unchecked")
        Map<String, Object> subject = (Map<String, Object>) set.getClaim("sub_id");
        assertEquals("complex", subject.get("format"));
        assertEquals(Map.of("format", "iss_sub", "iss", Stack.ISSUER, "sub", seller.id()), subject.get("user"));
        assertTrue(failFirst.get() < 0, "the receiver refused the first attempt, so this SET is a retry");
        admin().get("/admin/clients/" + app.id() + "/events?status=delivered").then().statusCode(200)
                .body("events.find { it.jti == '" + set.getJWTID() + "' }.attempts", equalTo(2));
    }

    @Test
    void suspensionEndsEveryConnectionAndDisablesTheStreamAndReinstatementEnablesIt() {
        Client app = appWithReceiver();
        User first = Fixtures.user();
        User second = Fixtures.user();
        exchange(app, Flow.authorize(new Browser(), app, first, "openid", "approve", Map.of())).then().statusCode(200);
        exchange(app, Flow.authorize(new Browser(), app, second, "openid", "approve", Map.of())).then().statusCode(200);

        admin().body(Map.of("note", "Scraping listings")).post("/admin/clients/" + app.id() + "/suspend").then().statusCode(200)
                .body("status_note", equalTo("Scraping listings"));
        awaitSet(app.id(), sessionRevokedOf(first, "admin"));
        awaitSet(app.id(), sessionRevokedOf(second, "admin"));
        awaitSet(app.id(), streamUpdated("disabled"));

        admin().post("/admin/clients/" + app.id() + "/approve").then().statusCode(200);
        awaitSet(app.id(), streamUpdated("enabled"));
    }

    @Test
    void anAppPollsItsOwnStreamAndAcknowledgedSetsAreNotServedAgain() throws Exception {
        Map<String, Object> metadata = Fixtures.machineMetadata();
        metadata.put("scope", "profile ssf.manage");
        Client app = Fixtures.approved(metadata);
        String token = clientCredentials(app.id(), app.secret(), "scope", "ssf.manage").then().statusCode(200)
                .extract().path("access_token");
        String streamId = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("delivery", Map.of("method", "urn:ietf:rfc:8936"))).post("/ssf/streams")
                .then().statusCode(201).body("delivery.endpoint_url", equalTo(Stack.ISSUER + "/ssf/poll"))
                .extract().path("stream_id");
        given().auth().oauth2(token).contentType("application/json").body(Map.of("stream_id", streamId, "state", "e2e-state"))
                .post("/ssf/verify").then().statusCode(204);

        String[] jti = new String[1];
        Awaitility.await().atMost(DELIVERY).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> found = given().auth().oauth2(token).contentType("application/json")
                    .body(Map.of("returnImmediately", true)).post("/ssf/poll").then().statusCode(200).extract().path("sets");
            Optional<Map.Entry<String, String>> verification = found.entrySet().stream().filter(e -> {
                try {
                    return event(sets.process(e.getValue(), null), VERIFICATION) != null;
                } catch (Exception bad) {
                    throw new AssertionError("a SET that does not verify: " + bad.getMessage(), bad);
                }
            }).findFirst();
            verification.ifPresent(e -> jti[0] = e.getKey());
            return verification.isPresent();
        });
        Map<String, String> after = given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("returnImmediately", true, "ack", List.of(jti[0]))).post("/ssf/poll")
                .then().statusCode(200).extract().path("sets");
        assertFalse(after.containsKey(jti[0]), "an acknowledged SET is not served again");

        String readOnly = clientCredentials(app.id(), app.secret(), "scope", "profile").then().statusCode(200)
                .extract().path("access_token");
        given().auth().oauth2(readOnly).contentType("application/json").body(Map.of("returnImmediately", true))
                .post("/ssf/poll").then().statusCode(403);
    }
}
