package io.keyfair.registry.housekeeping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.housekeeping.Purges;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class HousekeepingTest {

    @Inject
    Pool pool;

    @Inject
    Purges purges;

    @Test
    void purgesEndedSecretsAndExpiredInitialAccessTokensOnly() throws Exception {
        // a current secret comes with the client; one ended a minute ago, one is still in its overlap
        String client = TestClients.confidential().create(pool).clientId();
        TestClients.addSecret(pool, client, Secrets.newSecret(), OffsetDateTime.now().minusMinutes(1));
        TestClients.addSecret(pool, client, Secrets.newSecret(), OffsetDateTime.now().plusHours(1));
        byte[] expired = Secrets.sha256(Secrets.newSecret());
        byte[] live = Secrets.sha256(Secrets.newSecret());
        TestRows.insertInitialAccessToken(expired, Instant.now().minusSeconds(60));
        TestRows.insertInitialAccessToken(live, Instant.now().plusSeconds(3600));

        purges.run(Housekeeping.PURGES).await().atMost(Duration.ofSeconds(10));

        assertEquals(2, TestRows.count("select count(*) from client_secrets where client_id = ?", client));
        assertEquals(0, TestRows.count("select count(*) from client_secrets where client_id = ? and expires_at < now()", client));
        assertEquals(0, TestRows.count("select count(*) from initial_access_tokens where token_hash = ?", (Object) expired));
        assertEquals(1, TestRows.count("select count(*) from initial_access_tokens where token_hash = ?", (Object) live));
    }
}
