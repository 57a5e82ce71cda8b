package io.keyfair.token.housekeeping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.housekeeping.Purges;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class HousekeepingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    Purges purges;

    @Inject
    Housekeeping.Config config;

    private String family(String clientId, String userId, String expiresAt, String revokedAt) {
        String id = UUID.randomUUID().toString();
        pool.preparedQuery("insert into refresh_families (id, grant_id, client_id, user_id, scope, auth_time, expires_at, revoked_at) "
                + "values ($1::uuid, $1, $2, $3::uuid, 'openid', 0, now() + ($4::text)::interval, now() + ($5::text)::interval)")
                .execute(Tuple.of(id, clientId, userId, expiresAt, revokedAt)).await().atMost(WAIT);
        return id;
    }

    private Buffer token(String familyId, String retiredAgo) {
        Buffer hash = Buffer.buffer(Secrets.sha256(Secrets.newSecret()));
        pool.preparedQuery("insert into refresh_tokens (token_hash, family_id, retired_at) values ($1, $2::uuid, now() - ($3::text)::interval)")
                .execute(Tuple.of(hash, familyId, retiredAgo)).await().atMost(WAIT);
        return hash;
    }

    private long count(String sql, Object value) {
        return pool.preparedQuery(sql).execute(Tuple.of(value)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    @Test
    void purgesOldRetiredTokensAndEndedFamiliesButKeepsLiveOnes() {
        String client = TestClients.confidential().grantTypes("authorization_code refresh_token").create(pool).clientId();
        String user = TestUsers.user().create(pool).id();
        String live = family(client, user, "30 days", "100 years");
        String expiredLongAgo = family(client, user, "-60 days", "100 years");
        String revokedLongAgo = family(client, user, "30 days", "-60 days");
        Buffer oldRetired = token(live, "8 days");
        Buffer recentRetired = token(live, "1 hour");

        purges.run(Housekeeping.purges(config)).await().atMost(WAIT);

        assertEquals(0, count("select count(*) from refresh_tokens where token_hash = $1", oldRetired));
        assertEquals(1, count("select count(*) from refresh_tokens where token_hash = $1", recentRetired));
        assertEquals(1, count("select count(*) from refresh_families where id = $1::uuid", live));
        assertEquals(0, count("select count(*) from refresh_families where id = $1::uuid", expiredLongAgo));
        assertEquals(0, count("select count(*) from refresh_families where id = $1::uuid", revokedLongAgo));
    }

    @Test
    void purgesRevocationsOnceTheirTokensHaveExpiredAndKeepsLiveOnes() {
        String expired = "jti-" + UUID.randomUUID();
        String live = "jti-" + UUID.randomUUID();
        pool.preparedQuery("insert into revocations (kind, subject, expires_at) values ('jti', $1, now() - interval '1 second'), ('jti', $2, now() + interval '1 hour')")
                .execute(Tuple.of(expired, live)).await().atMost(WAIT);

        purges.run(Housekeeping.purges(config)).await().atMost(WAIT);

        assertEquals(0, count("select count(*) from revocations where subject = $1", expired));
        assertEquals(1, count("select count(*) from revocations where subject = $1", live));
    }
}
