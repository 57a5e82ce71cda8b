package io.keyfair.token.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.vertx.mutiny.core.Vertx;

class PushTargetsTest {

    @Test
    void whereAPushMayGo() {
        Vertx vertx = Vertx.vertx();
        try {
            PushTargets allowing = new PushTargets(vertx, false);
            PushTargets refusing = new PushTargets(vertx, true);
            assertEquals(Optional.empty(), refusal(allowing, "http://127.0.0.1:8080/events"));
            assertEquals(Optional.empty(), refusal(allowing, "https://10.0.0.5/events"), "the local stack allows private addresses");
            assertEquals(Optional.of("refused: http only to a loopback host"), refusal(allowing, "http://receiver.example.com/events"));
            assertEquals(Optional.of("refused: not an absolute URL"), refusal(allowing, "/events"));
            assertEquals(Optional.of(PushTargets.PRIVATE_ADDRESS), refusal(refusing, "http://127.0.0.1:8080/events"));
            assertEquals(Optional.of(PushTargets.PRIVATE_ADDRESS), refusal(refusing, "https://localhost/events"));
            assertEquals(Optional.of(PushTargets.PRIVATE_ADDRESS), refusal(refusing, "https://192.168.1.20/events"));
            assertEquals(Optional.of(PushTargets.PRIVATE_ADDRESS), refusal(refusing, "https://[fd00::1]/events"));
            assertEquals(Optional.empty(), refusal(refusing, "https://93.184.216.34/events"));
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static Optional<String> refusal(PushTargets targets, String url) {
        return targets.refusal(url).await().atMost(Duration.ofSeconds(10));
    }
}
