package io.keyfair.registry.housekeeping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.housekeeping.Purges;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class HousekeepingTest {

    @Inject
    Purges purges;

    @Test
    void purgesEndedSecretsAndExpiredInitialAccessTokensOnly() throws Exception {
        String client = Secrets.newClientId();
        TestRows.execute("insert into clients (client_id, client_name, grant_types, scope, token_endpoint_auth_method, status) "
                + "values (?, 'housekeeping', 'client_credentials', 'profile', 'client_secret_basic', 'approved')", client);
        TestRows.execute("insert into client_secrets (client_id, secret_hash, expires_at) values (?, ?, now() - interval '1 minute')",
                client, Secrets.sha256("ended"));
        TestRows.execute("insert into client_secrets (client_id, secret_hash, expires_at) values (?, ?, now() + interval '1 hour')",
                client, Secrets.sha256("overlapping"));
        TestRows.execute("insert into client_secrets (client_id, secret_hash) values (?, ?)", client, Secrets.sha256("current"));
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
