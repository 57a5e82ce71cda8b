package io.keyfair.token.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.testing.RedisClusterProfile;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The client cache on a three-master Redis Cluster: it subscribes on one node and the registry
 * publishes on whichever node its client picks; classic pub/sub reaches every node's subscribers.
 * Entries live 30 s in the test profile while the cache listens, so a change seen within a second
 * came over pub/sub.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class ClientCacheOnRedisClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    ClientDirectory directory;

    @Inject
    ClientChanges changes;

    private ClientStatus status(String clientId) {
        return directory.find(clientId).await().atMost(WAIT).orElseThrow().status();
    }

    @Test
    void aChangePublishedOnTheClusterEvictsTheCachedClientAtOnce() {
        Awaitility.await().atMost(WAIT).until(directory::isListening);
        Created client = TestClients.confidential().create(pool);
        assertEquals(ClientStatus.APPROVED, status(client.clientId()));

        pool.preparedQuery("update clients set status = 'suspended' where client_id = $1")
                .execute(Tuple.of(client.clientId())).await().atMost(WAIT);
        assertEquals(ClientStatus.APPROVED, status(client.clientId()), "cached while nobody announced the change");

        changes.publish(client.clientId()).await().atMost(WAIT);
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> status(client.clientId()) == ClientStatus.SUSPENDED);
    }
}
