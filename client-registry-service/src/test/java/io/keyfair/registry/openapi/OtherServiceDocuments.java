package io.keyfair.registry.openapi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the other services' `/q/openapi`: token-service answers with a small document whose
 * `ErrorBody` differs from the registry's (a clash the merge must keep apart); authorize-service
 * answers 503; userinfo-service listens nowhere.
 */
public class OtherServiceDocuments implements QuarkusTestResourceLifecycleManager {

    static final String TOKEN_DOCUMENT = """
            {"openapi": "3.1.0", "info": {"title": "Keyfair token-service", "version": "1.0"},
             "paths": {"/oauth/token": {"post": {"responses": {"200": {"description": "OK",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenResponse"}}}},
               "400": {"description": "Refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}},
               "security": [{"basic": []}, {}]}}},
             "components": {"schemas": {
               "TokenResponse": {"type": "object", "properties": {"access_token": {"type": "string"}}},
               "ErrorBody": {"type": "object", "properties": {"error": {"type": "string"}, "x_token_only": {"type": "string"}}}},
              "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}}}""";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/token/q/openapi", exchange -> {
            byte[] body = TOKEN_DOCUMENT.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/authorize/q/openapi", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("keyfair.openapi.sources.token-service", base + "/token/q/openapi",
                "keyfair.openapi.sources.authorize-service", base + "/authorize/q/openapi",
                "keyfair.openapi.sources.userinfo-service", "http://127.0.0.1:" + closedPort() + "/q/openapi",
                "keyfair.openapi.timeout", "PT2S");
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
