package io.keyfair.common.token;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;

import io.keyfair.common.config.KeysConfig;
import io.keyfair.common.keys.TestSigningKeys;
import io.vertx.mutiny.core.Vertx;

/**
 * A verifier that fetches the JWKS over HTTP stops trusting a key once it is gone from the JWKS,
 * on its own and within the refresh interval, even when nothing asks for an unknown `kid`.
 */
class JwksRefreshTest {

    private final AtomicReference<String> served = new AtomicReference<>();
    private HttpServer server;
    private Vertx vertx;
    private JwksSource source;

    private static String jwks(String kid) throws Exception {
        return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID(kid).generate().toPublicJWK()).toString();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth/jwks", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        vertx.closeAndAwait();
        server.stop(0);
    }

    private KeysConfig config(String url) {
        return new KeysConfig() {
            @Override
            public Optional<String> file() {
                return Optional.empty();
            }

            @Override
            public String jwksUrl() {
                return url;
            }

            @Override
            public Duration jwksRefetchInterval() {
                return Duration.ofHours(1); // unknown kids cannot cause the refetch here
            }

            @Override
            public Duration jwksRefreshInterval() {
                return Duration.ofMillis(300);
            }

            @Override
            public Duration reloadInterval() {
                return Duration.ZERO;
            }
        };
    }

    @Test
    void keyRemovedFromTheJwksStopsBeingTrustedWithinTheRefreshInterval() throws Exception {
        served.set(jwks("old"));
        KeysConfig config = config("http://127.0.0.1:" + server.getAddress().getPort() + "/oauth/jwks");
        source = new JwksSource(config, TestSigningKeys.of(config), vertx);
        assertTrue(source.key("old").await().atMost(Duration.ofSeconds(5)).isPresent(), "first fetch");

        served.set(jwks("new"));

        Awaitility.await().atMost(Duration.ofSeconds(3))
                .until(() -> source.key("old").await().atMost(Duration.ofSeconds(5)).isEmpty());
        assertTrue(source.key("new").await().atMost(Duration.ofSeconds(5)).isPresent());
    }
}
