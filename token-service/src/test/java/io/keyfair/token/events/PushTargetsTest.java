package io.keyfair.token.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
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

    @Test
    void onlyLoopbackNamesMayTakePlainHttp() {
        for (String host : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            assertTrue(PushTargets.isLoopbackName(host), host);
        }
        for (String host : new String[] {"example.com", "10.0.0.1", "127.0.0.1.example.com", "localhost.example.com", "128.0.0.1",
                "127.0.0.256"}) {
            assertFalse(PushTargets.isLoopbackName(host), host);
        }
    }

    @Test
    void privateLoopbackLinkLocalAndUnspecifiedAddressesAreRecognised() throws Exception {
        for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::"}) {
            assertTrue(PushTargets.isPrivate(InetAddress.getByName(a)), a);
        }
        for (String a : new String[] {"93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111"}) {
            assertFalse(PushTargets.isPrivate(InetAddress.getByName(a)), a);
        }
    }
}
