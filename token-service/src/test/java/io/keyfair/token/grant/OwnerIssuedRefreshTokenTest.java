package io.keyfair.token.grant;

import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.refresh.RefreshFamilies;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.RevocationList;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A refresh token the developer portal issued to a dedicated app's owner (the family written by
 * client-registry-service through common's {@link RefreshFamilies}) is an ordinary refresh token
 * here: redeemed at once, rotated, and stopped with its access tokens when the portal replaces it.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OwnerIssuedRefreshTokenTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RevocationList revocations;

    private record Issued(Created client, String grantId, String refreshToken) {
    }

    /** What the portal writes: the family and its first token, in clear only for the owner. */
    private Issued portalIssued() {
        Created client = TestClients.confidential().grantTypes("authorization_code refresh_token").scope("openid profile").create(pool);
        String owner = TestUsers.user().create(pool).id();
        String grantId = Secrets.randomHex(16);
        String token = Secrets.newSecret();
        RefreshFamilies.start(pool, new RefreshFamilies.NewFamily(UUID.randomUUID().toString(), grantId, client.clientId(), owner,
                "openid profile", System.currentTimeMillis() / 1000, Duration.ofDays(30), token, true)).await().atMost(WAIT);
        return new Issued(client, grantId, token);
    }

    private static Response refresh(Created client, String refreshToken) {
        return token(client, "grant_type", "refresh_token", "refresh_token", refreshToken);
    }

    @Test
    void theAppRedeemsThePortalIssuedTokenAtOnceAndItRotates() {
        Issued issued = portalIssued();

        Response first = refresh(issued.client(), issued.refreshToken());

        first.then().statusCode(200).header("Cache-Control", "no-store").body("token_type", equalTo("Bearer"))
                .body("scope", equalTo("openid profile"));
        assertNotEquals(issued.refreshToken(), (String) first.path("refresh_token"));
        refresh(issued.client(), first.path("refresh_token")).then().statusCode(200);
    }

    @Test
    void replacingItStopsTheFamilyAndTheAccessTokensItIssued() {
        Issued issued = portalIssued();
        Response first = refresh(issued.client(), issued.refreshToken());
        first.then().statusCode(200);

        // the portal's replacement: the grant revoked inside its transaction, mirrored after the commit
        Supplier<Uni<Void>> mirror = pool.withTransaction(tx -> revocations.revokeGrant(tx, SecurityEvents.newTxn(), issued.grantId(),
                "replaced", Initiator.USER, null)).await().atMost(WAIT);
        mirror.get().await().atMost(WAIT);

        refresh(issued.client(), first.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"));
        introspect(issued.client(), first.path("access_token")).then().statusCode(200).body("active", equalTo(false));
    }
}
