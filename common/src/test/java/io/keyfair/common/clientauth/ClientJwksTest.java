package io.keyfair.common.clientauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.client.ClientStatus;
import io.vertx.mutiny.core.Vertx;

/**
 * A client's `jwks_uri` is fetched where the deployment allows: from anywhere in the local stack,
 * never from a loopback or private address when those are refused (the `prod` overlay), so a
 * client cannot make Keyfair connect into its own network.
 */
class ClientJwksTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static HttpServer server;
    private static ECKey key;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        byte[] body = new JWKSet(key).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        vertx.closeAndAwait();
    }

    private static ClientRecord publishingAt(String jwksUri) {
        return new ClientRecord("c0ffee", "Keys at a URL", ClientStatus.APPROVED, "private_key_jwt", Set.of("client_credentials"),
                Set.of(), List.of(), null, false, "RS256", 2, false, List.of(), "third_party", null, null, null, null, null, List.of(),
                ClientRecord.RateLimits.DEFAULTS, Set.of(), false, null, jwksUri, false, List.of(), false);
    }

    private static String local(String host) {
        return "http://" + host + ":" + server.getAddress().getPort() + "/jwks";
    }

    @Test
    void keysAtALoopbackUrlAreFetchedWhenPrivateAddressesAreAllowed() {
        JWKSet keys = new ClientJwks(vertx, false).keys(publishingAt(local("127.0.0.1")), "k1").await().atMost(WAIT);
        assertEquals(key.toPublicJWK(), keys.getKeyByKeyId("k1"));
    }

    @Test
    void keysAtALoopbackOrPrivateAddressAreRefusedWhenTheDeploymentSaysSo() {
        ClientJwks refusing = new ClientJwks(vertx, true);
        for (String host : List.of("127.0.0.1", "localhost", "[::1]")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> refusing.keys(publishingAt(local(host)), "k1").await().atMost(WAIT), host);
            assertEquals("jwks_uri resolves to a private address", refused.getMessage(), host);
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> refusing.keys(publishingAt("https://10.0.0.5/jwks"), "k1").await().atMost(WAIT));
        assertEquals("jwks_uri resolves to a private address", refused.getMessage());
    }
}
