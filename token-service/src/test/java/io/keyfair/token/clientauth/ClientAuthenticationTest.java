package io.keyfair.token.clientauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Client authentication holds: each client authenticates only with the method it registered,
 * the client learns only that authentication failed (the reason is audited), ids no client can
 * have are refused before anything else, request values cannot forge log lines, and the client
 * address comes from `X-Forwarded-For` only when a trusted proxy sent it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientAuthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    RedisKeys keys;

    @TestHTTPResource("/oauth/token")
    URL tokenEndpoint;

    private static RequestSpecification from(String address) {
        return given().contentType("application/x-www-form-urlencoded").header("X-Forwarded-For", address)
                .formParam("grant_type", "client_credentials");
    }

    private static RequestSpecification basic(String address, String id, String secret) {
        return from(address).auth().preemptive().basic(id, secret);
    }

    private static RequestSpecification post(String address, String id, String secret) {
        return from(address).formParam("client_id", id).formParam("client_secret", secret);
    }

    private static void assertAuthenticationFailed(Response r, boolean basicChallenge) {
        r.then().statusCode(401)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("Client authentication failed"));
        if (basicChallenge) {
            r.then().header("WWW-Authenticate", startsWith("Basic"));
        } else {
            r.then().header("WWW-Authenticate", nullValue());
        }
    }

    /** The `reason` of the failure audited for this client from this address, once it is written. */
    private Optional<String> auditedReason(String clientId, String address) {
        var rows = pool.preparedQuery("""
                select detail->>'reason' as reason from audit_events
                 where type = 'client_auth.failed' and client_id = $1 and detail->>'address' = $2""")
                .execute(Tuple.of(clientId, address)).await().atMost(WAIT);
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("reason"));
    }

    private String awaitAuditedReason(String clientId, String address) {
        return Awaitility.await().atMost(WAIT).until(() -> auditedReason(clientId, address), Optional::isPresent).get();
    }

    private long auditRowsFrom(String address) {
        return pool.preparedQuery("select count(*) as n from audit_events where detail->>'address' = $1")
                .execute(Tuple.of(address)).await().atMost(WAIT).iterator().next().getLong("n");
    }

    @Test
    void clientRegisteredForBasicCannotUsePost() {
        Created client = TestClients.confidential().authMethod("client_secret_basic").create(pool);
        assertAuthenticationFailed(post("203.0.113.21", client.clientId(), client.secret()).post("/oauth/token"), false);
        assertEquals("auth_method_mismatch", awaitAuditedReason(client.clientId(), "203.0.113.21"));
    }

    @Test
    void clientRegisteredForPostCannotUseBasic() {
        Created client = TestClients.confidential().authMethod("client_secret_post").create(pool);
        assertAuthenticationFailed(basic("203.0.113.22", client.clientId(), client.secret()).post("/oauth/token"), true);
        assertEquals("auth_method_mismatch", awaitAuditedReason(client.clientId(), "203.0.113.22"));
        post("203.0.113.22", client.clientId(), client.secret()).post("/oauth/token").then().statusCode(200);
    }

    @Test
    void publicClientCannotPresentASecretEitherWay() {
        Created client = TestClients.publicClient().grantTypes("authorization_code client_credentials").create(pool);
        assertAuthenticationFailed(basic("203.0.113.23", client.clientId(), Secrets.newSecret()).post("/oauth/token"), true);
        assertAuthenticationFailed(post("203.0.113.23", client.clientId(), Secrets.newSecret()).post("/oauth/token"), false);
        assertEquals("auth_method_mismatch", awaitAuditedReason(client.clientId(), "203.0.113.23"));
    }

    @Test
    void confidentialClientCannotAuthenticateWithItsIdAlone() {
        Created client = TestClients.confidential().authMethod("client_secret_post").create(pool);
        assertAuthenticationFailed(from("203.0.113.24").formParam("client_id", client.clientId()).post("/oauth/token"), false);
        assertEquals("auth_method_mismatch", awaitAuditedReason(client.clientId(), "203.0.113.24"));
    }

    @Test
    void privateKeyJwtClientCannotAuthenticateWithASecret() {
        Created client = TestClients.confidential().privateKeyJwt("{\"keys\":[]}").create(pool);
        assertAuthenticationFailed(basic("203.0.113.25", client.clientId(), Secrets.newSecret()).post("/oauth/token"), true);
        assertEquals("auth_method_mismatch", awaitAuditedReason(client.clientId(), "203.0.113.25"));
    }

    @Test
    void suspendedClientIsToldOnlyThatAuthenticationFailedAndTheReasonIsAudited() {
        Created client = TestClients.confidential().status("suspended").create(pool);
        assertAuthenticationFailed(basic("203.0.113.26", client.clientId(), client.secret()).post("/oauth/token"), true);
        assertEquals("client_suspended", awaitAuditedReason(client.clientId(), "203.0.113.26"));
    }

    @Test
    void wrongSecretIsToldOnlyThatAuthenticationFailedAndTheReasonIsAudited() {
        Created client = TestClients.confidential().create(pool);
        assertAuthenticationFailed(basic("203.0.113.27", client.clientId(), Secrets.newSecret()).post("/oauth/token"), true);
        assertEquals("invalid_secret", awaitAuditedReason(client.clientId(), "203.0.113.27"));
    }

    @Test
    void clientIdLongerThan32CharactersIsRefusedWithoutCountingOrAudit() throws InterruptedException {
        String id = "a".repeat(33);
        assertAuthenticationFailed(basic("203.0.113.28", id, Secrets.newSecret()).post("/oauth/token"), true);
        assertAuthenticationFailed(post("203.0.113.28", id, Secrets.newSecret()).post("/oauth/token"), false);
        assertFalse(redis.key(String.class).exists(keys.clientAuthFailures(id, "203.0.113.28")).await().atMost(WAIT));
        Thread.sleep(300); // an audit event would be written without the client waiting for it
        assertEquals(0, auditRowsFrom("203.0.113.28"));
    }

    @Test
    void clientIdWithLineBreaksCannotForgeALogLine() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger auditLogger = Logger.getLogger(AuditLog.class.getName());
        auditLogger.addHandler(capture);
        try {
            String forged = Secrets.randomHex(4) + "\r\nINFO forged\n";
            String header = "Basic " + Base64.getEncoder().encodeToString((forged + ":" + Secrets.newSecret())
                    .getBytes(StandardCharsets.UTF_8));
            Response r = from("203.0.113.29").header("Authorization", header).post("/oauth/token");
            assertAuthenticationFailed(r, true);
            Awaitility.await().atMost(WAIT).until(() -> logged.stream().anyMatch(l -> l.contains("client_auth.failed")));
            for (String line : logged) {
                assertFalse(line.contains("\r") || line.contains("\n"), "one log line: " + line);
            }
            assertTrue(logged.stream().anyMatch(l -> l.contains(forged.substring(0, 8) + "\\x0d\\x0aINFO forged\\x0a")), "escaped: " + logged);
        } finally {
            auditLogger.removeHandler(capture);
        }
        // nothing broken: the endpoint still serves a real client
        Created client = TestClients.confidential().create(pool);
        basic("203.0.113.29", client.clientId(), client.secret()).post("/oauth/token").then().statusCode(200);
    }

    @Test
    void forwardedAddressFromTheLoopbackProxyIsTheClientAddress() {
        Created client = TestClients.confidential().create(pool);
        basic("203.0.113.30", client.clientId(), Secrets.newSecret()).post("/oauth/token").then().statusCode(401);
        assertEquals("invalid_secret", awaitAuditedReason(client.clientId(), "203.0.113.30"));
    }

    @Test
    void forwardedAddressFromAnUntrustedPeerIsIgnored() throws Exception {
        InetAddress own = nonLoopbackAddress();
        Assumptions.assumeTrue(own != null, "this machine has no non-loopback IPv4 address to connect from");
        Created client = TestClients.confidential().create(pool);
        String credentials = Base64.getEncoder().encodeToString((client.clientId() + ":" + Secrets.newSecret())
                .getBytes(StandardCharsets.UTF_8));
        String body = "grant_type=client_credentials";
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(own, 0));
            socket.connect(new InetSocketAddress(own, tokenEndpoint.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth/token HTTP/1.1\r\n"
                    + "Host: localhost\r\n"
                    + "X-Forwarded-For: 203.0.113.31\r\n"
                    + "Authorization: Basic " + credentials + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + body.length() + "\r\n"
                    + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(status.startsWith("HTTP/1.1 401"), status);
        }
        // counted and audited under the peer's own address, not the one it claimed to forward
        assertEquals("invalid_secret", awaitAuditedReason(client.clientId(), own.getHostAddress()));
        assertEquals(0, auditRowsFrom("203.0.113.31"));
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
