package io.keyfair.registry.portal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.refresh.RefreshFamilies;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * "Tokens for my own account": what the owner's click leaves in PostgreSQL for token-service's
 * refresh grant to redeem (redeemed end to end in token-service's OwnerIssuedRefreshTokenTest and
 * e2e-tests' DeveloperPortalInChromiumIT).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OwnTokensTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    OwnTokens tokens;

    @Test
    void theOwnersClickGrantsTheAppsScopesAndStartsALiveFamilyHoldingOnlyTheTokensHash() throws Exception {
        UUID owner = user();
        String app = dedicatedApp(owner, "openid profile");

        OwnTokens.Issued issued = tokens.issue(owner, app).await().indefinitely().orElseThrow();

        assertTrue(issued.refreshToken().matches("[0-9a-f]{64}"));
        assertEquals("openid profile", issued.scope());
        assertEquals("openid profile", TestRows.text(
                "select scope from consents where user_id = ? and client_id = ? and revoked_at is null", owner, app));
        assertEquals(1L, TestRows.count("""
                select count(*) from refresh_tokens t join refresh_families f on f.id = t.family_id
                 where t.token_hash = ? and f.client_id = ? and f.user_id = ? and f.owner_issued and f.revoked_at is null
                   and f.expires_at > now() and t.retired_at is null""", Secrets.sha256(issued.refreshToken()), app, owner));
        assertEquals(List.of("user:" + owner), TestRows.auditActors("connection.owner_token_issued", app));
        assertEquals(0L, TestRows.count("select count(*) from audit_events where detail::text like ?", "%" + issued.refreshToken() + "%"));
    }

    @Test
    void aNewTokenRevokesThePreviousOneWithItsAccessTokensButNotTheOwnersRedirectFlowTokens() throws Exception {
        UUID owner = user();
        String app = dedicatedApp(owner, "openid profile");
        String redirectFlowGrant = Secrets.randomHex(16);
        RefreshFamilies.start(pool, new RefreshFamilies.NewFamily(UUID.randomUUID().toString(), redirectFlowGrant, app,
                owner.toString(), "openid", 0, Duration.ofDays(1), Secrets.newSecret(), false)).await().indefinitely();
        OwnTokens.Issued first = tokens.issue(owner, app).await().indefinitely().orElseThrow();
        String firstGrant = grantOf(first);

        OwnTokens.Issued second = tokens.issue(owner, app).await().indefinitely().orElseThrow();

        assertNotEquals(first.refreshToken(), second.refreshToken());
        assertEquals(1, second.replaced());
        assertEquals("replaced", TestRows.text("select revoked_reason from refresh_families where grant_id = ?", firstGrant));
        // the grant's access tokens stop too: the same revocation entry a refresh-token revocation writes
        assertEquals(1L, TestRows.count("select count(*) from revocations where kind = 'grant' and subject = ?", firstGrant));
        assertEquals(1L, TestRows.count("select count(*) from refresh_families where grant_id = ? and revoked_at is null", grantOf(second)));
        assertEquals(1L, TestRows.count("select count(*) from refresh_families where grant_id = ? and revoked_at is null", redirectFlowGrant));
        // still one connection, live
        assertEquals(1L, TestRows.count("select count(*) from consents where user_id = ? and client_id = ? and revoked_at is null", owner, app));
    }

    @Test
    void anAppWithAStreamHearsThatThePreviousTokensGrantEnded() throws Exception {
        UUID owner = user();
        String app = dedicatedApp(owner, "openid");
        TestStreams.poll(pool, app);
        String firstGrant = grantOf(tokens.issue(owner, app).await().indefinitely().orElseThrow());

        tokens.issue(owner, app).await().indefinitely();

        List<TestStreams.Event> events = TestStreams.events(pool, app);
        assertEquals(1, events.size());
        assertEquals(SecurityEvents.SESSION_REVOKED, events.get(0).type());
        assertEquals(firstGrant, events.get(0).sessionId());
        assertEquals(owner.toString(), events.get(0).userId());
        assertEquals("user", events.get(0).event().getString("initiating_entity"));
    }

    @Test
    void restrictedScopesOfTheAppAreNeverInTheToken() throws Exception {
        UUID owner = user();
        String app = dedicatedApp(owner, "openid");
        // the registry refuses ssf.* for such an app; an older row may still carry one
        TestRows.execute("update clients set scope = 'openid ssf.read admin' where client_id = ?", app);

        assertEquals("openid", tokens.issue(owner, app).await().indefinitely().orElseThrow().scope());
    }

    @Test
    void anotherUsersAppIsLikeAMissingOneAndGetsNothing() throws Exception {
        UUID owner = user();
        UUID stranger = user();
        String app = dedicatedApp(owner, "openid");

        assertTrue(tokens.issue(stranger, app).await().indefinitely().isEmpty());

        assertEquals(0L, TestRows.count("select count(*) from refresh_families where client_id = ?", app));
        assertEquals(0L, TestRows.count("select count(*) from consents where client_id = ?", app));
    }

    @Test
    void aThirdPartyAppGetsNoTokenForItsOwner() throws Exception {
        UUID owner = user();
        String app = Registrations.register(admin(), Registrations.with(Registrations.with(Registrations.confidential(),
                "app_type", "third_party"), "owner_user_id", owner.toString())).id();
        Registrations.step(admin(), app, "approve");

        OAuthException e = assertThrows(OAuthException.class, () -> tokens.issue(owner, app).await().indefinitely());

        assertEquals(OAuthError.CONFLICT, e.error());
        assertEquals(0L, TestRows.count("select count(*) from refresh_families where client_id = ?", app));
    }

    @Test
    void aSuspendedAppGetsNoToken() throws Exception {
        UUID owner = user();
        String app = dedicatedApp(owner, "openid");
        Registrations.step(admin(), app, "suspend");

        OAuthException e = assertThrows(OAuthException.class, () -> tokens.issue(owner, app).await().indefinitely());

        assertEquals(OAuthError.INVALID_REQUEST, e.error());
        assertEquals(0L, TestRows.count("select count(*) from refresh_families where client_id = ?", app));
    }

    private static String grantOf(OwnTokens.Issued issued) throws Exception {
        return TestRows.text("select f.grant_id from refresh_tokens t join refresh_families f on f.id = t.family_id where t.token_hash = ?",
                Secrets.sha256(issued.refreshToken()));
    }

    private UUID user() {
        return UUID.fromString(TestUsers.user().create(pool).id());
    }

    private String admin() {
        return TestTokens.admin().sign(signer);
    }

    private String dedicatedApp(UUID owner, String scope) {
        return Registrations.register(admin(), Registrations.with(Registrations.with(Registrations.with(Registrations.confidential(),
                "app_type", "dedicated"), "owner_user_id", owner.toString()), "scope", scope)).id();
    }
}
