package io.keyfair.registry.portal;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.junit.jupiter.api.Test;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.keyfair.registry.client.ClientUpdate;
import io.keyfair.registry.secret.RotatedSecret;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * What the app page does for its owner (the page itself sits behind the portal's sign-in and is
 * driven in e2e-tests' DeveloperPortalIT): only the owner acts, every action goes through the
 * admin API's own core and is audited as `user:<id>`.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OwnerActionsTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    OwnerActions actions;

    @Test
    void anotherUsersAppIsLikeAMissingOneAndStaysUntouched() throws Exception {
        UUID owner = user();
        UUID stranger = user();
        Registrations.Registered app = dedicatedApp(owner);

        assertTrue(actions.details(stranger, app.id()).await().indefinitely().isEmpty());
        assertTrue(actions.rotate(stranger, app.id(), 0).await().indefinitely().isEmpty());
        assertTrue(actions.edit(stranger, app.id(), edit("Taken over", "https://evil.example.com/cb")).await().indefinitely().isEmpty());
        assertFalse(actions.delete(stranger, app.id()).await().indefinitely());
        assertTrue(actions.requestReinstatement(stranger, app.id(), "please").await().indefinitely().isEmpty());

        assertArrayEquals(Secrets.sha256(app.secret()), TestRows.secrets(app.id()).get(0).hash());
        assertEquals(1L, TestRows.count("select count(*) from clients where client_id = ? and client_name like 'Listing sync %'", app.id()));
        assertTrue(actions.details(owner, app.id()).await().indefinitely().isPresent());
    }

    @Test
    void rotatingGivesANewSecretOnceKeepsTheOldOneForTheOverlapAndNamesTheUser() throws Exception {
        UUID owner = user();
        Registrations.Registered app = dedicatedApp(owner);

        RotatedSecret rotated = actions.rotate(owner, app.id(), 3600).await().indefinitely().orElseThrow();

        assertNotEquals(app.secret(), rotated.clientSecret());
        List<TestRows.SecretRow> secrets = TestRows.secrets(app.id());
        assertEquals(2, secrets.size());
        assertTrue(secrets.stream().anyMatch(s -> java.util.Arrays.equals(s.hash(), Secrets.sha256(rotated.clientSecret())) && s.expiresAt() == null));
        assertTrue(secrets.stream().anyMatch(s -> java.util.Arrays.equals(s.hash(), Secrets.sha256(app.secret())) && s.expiresAt() != null));
        assertNotNull(rotated.previousSecretExpiresAt());
        assertEquals(List.of("user:" + owner), TestRows.auditActors("client.secret_rotated", app.id()));
        // the secret is never in the audit
        assertEquals(0L, TestRows.count("select count(*) from audit_events where detail::text like ?", "%" + rotated.clientSecret() + "%"));
        // an overlap beyond what the admin API allows is refused the same way
        assertThrows(OAuthException.class, () -> actions.rotate(owner, app.id(), 2_592_001).await().indefinitely());
    }

    @Test
    void aThirdPartyAppsRedirectChangeGoesBackToReviewButANameChangeDoesNot() throws Exception {
        UUID owner = user();
        String app = thirdPartyApp(owner);
        Registrations.step(admin(), app, "approve");

        ClientUpdate.Updated renamed = actions.edit(owner, app, edit("Better name", "https://app.example.com/callback"))
                .await().indefinitely().orElseThrow();
        assertFalse(renamed.backToReview());
        assertEquals("approved", renamed.client().status());
        assertEquals("Better name", renamed.client().metadata().clientName());

        ClientUpdate.Updated moved = actions.edit(owner, app, edit("Better name", "https://app.example.com/other"))
                .await().indefinitely().orElseThrow();
        assertTrue(moved.backToReview());
        assertEquals("pending", TestRows.text("select status from clients where client_id = ?", app));
        assertEquals(List.of("user:" + owner, "user:" + owner), TestRows.auditActors("client.updated", app));
    }

    @Test
    void aDedicatedAppStaysApprovedAndItsTypeNeverChanges() throws Exception {
        UUID owner = user();
        Registrations.Registered app = dedicatedApp(owner);
        MultivaluedMap<String, String> form = form("Own shop sync", "https://shop.example.com/cb");
        form.add("app_type", "third_party");
        form.add("owner_user_id", UUID.randomUUID().toString());

        ClientUpdate.Updated updated = actions.edit(owner, app.id(), AppEditForm.from(form)).await().indefinitely().orElseThrow();

        assertFalse(updated.backToReview());
        assertEquals("approved", updated.client().status());
        assertEquals("dedicated", updated.client().metadata().appType());
        assertEquals(owner.toString(), TestRows.text("select owner_user_id::text from clients where client_id = ?", app.id()));
    }

    @Test
    void aRegistryErrorNamesItsField() {
        UUID owner = user();
        Registrations.Registered app = dedicatedApp(owner);
        AppEditForm form = new AppEditForm("Name", "http://logo.example.com/a.png", "", "", "https://app.example.com/callback");

        OAuthException e = assertThrows(OAuthException.class, () -> actions.edit(owner, app.id(), form).await().indefinitely());

        assertEquals(AppEditForm.LOGO_URI, AppEditForm.fieldOf(e));
        assertEquals(Map.of(AppEditForm.NAME, "Give your app a name.", AppEditForm.REDIRECT_URIS,
                "Add at least one redirect URI, one per line."), new AppEditForm("", "", "", "", " \n").check());
    }

    @Test
    void deletingStopsTheAppAndNamesTheUser() throws Exception {
        UUID owner = user();
        Registrations.Registered app = dedicatedApp(owner);

        assertTrue(actions.delete(owner, app.id()).await().indefinitely());

        assertEquals(0L, TestRows.count("select count(*) from clients where client_id = ?", app.id()));
        assertEquals(List.of("user:" + owner), TestRows.auditActors("client.deleted", app.id()));
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app.id()).then().statusCode(404);
    }

    @Test
    void reinstatementIsRefusedDuringTheCoolOffAndQueuesTheAppAfterIt() throws Exception {
        UUID owner = user();
        String recent = thirdPartyApp(owner);
        Registrations.step(admin(), recent, "approve");
        given().auth().oauth2(admin()).contentType("application/json").body(Map.of("note", "Scraping listings"))
                .when().post("/admin/clients/" + recent + "/suspend").then().statusCode(200);

        OwnerActions.Suspension now = actions.details(owner, recent).await().indefinitely().orElseThrow().suspension();
        assertEquals("Scraping listings", now.reason());
        assertFalse(now.mayRequest());
        assertEquals(ReinstatementCoolOff.allowedFrom(now.since(), java.util.Optional.empty()), now.requestFrom());
        assertThrows(OAuthException.class, () -> actions.requestReinstatement(owner, recent, "Fixed").await().indefinitely());
        assertEquals("suspended", TestRows.text("select status from clients where client_id = ?", recent));

        // a policy suspension three months ago: the cool-off is over
        String old = thirdPartyApp(owner);
        TestRows.execute("update clients set status = 'suspended', suspended_by = 'policy', suspended_reason = 'Too many failed logins' "
                + "where client_id = ?", old);
        TestRows.execute("insert into audit_events (occurred_at, service, type, client_id, actor) values (?, 'token', 'client.suspended', ?, 'policy')",
                java.sql.Timestamp.from(Instant.now().minusSeconds(100L * 86_400)), old);
        OwnerActions.Suspension over = actions.details(owner, old).await().indefinitely().orElseThrow().suspension();
        assertTrue(over.mayRequest());
        assertEquals("policy", over.by());

        assertThrows(OAuthException.class, () -> actions.requestReinstatement(owner, old, "  ").await().indefinitely());
        assertEquals("pending", actions.requestReinstatement(owner, old, "We now back off after errors").await().indefinitely()
                .orElseThrow().status());
        assertEquals(List.of("user:" + owner), TestRows.auditActors("client.reinstatement_requested", old));
        assertEquals("We now back off after errors", TestRows.text(
                "select detail->>'message' from audit_events where type = 'client.reinstatement_requested' and client_id = ?", old));
        assertNull(actions.details(owner, old).await().indefinitely().orElseThrow().suspension());
        // not suspended any more: nothing to ask for
        assertThrows(OAuthException.class, () -> actions.requestReinstatement(owner, old, "Again").await().indefinitely());
    }

    private UUID user() {
        return UUID.fromString(TestUsers.user().create(pool).id());
    }

    private String admin() {
        return TestTokens.admin().sign(signer);
    }

    private Registrations.Registered dedicatedApp(UUID owner) {
        return Registrations.register(admin(), Registrations.with(Registrations.with(Registrations.confidential(), "app_type", "dedicated"),
                "owner_user_id", owner.toString()));
    }

    private String thirdPartyApp(UUID owner) {
        return Registrations.register(admin(), Registrations.with(Registrations.with(Registrations.confidential(), "app_type", "third_party"),
                "owner_user_id", owner.toString())).id();
    }

    private static AppEditForm edit(String name, String redirectUri) {
        return AppEditForm.from(form(name, redirectUri));
    }

    private static MultivaluedMap<String, String> form(String name, String redirectUri) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add(AppEditForm.NAME, name);
        form.add(AppEditForm.REDIRECT_URIS, redirectUri);
        return form;
    }
}
