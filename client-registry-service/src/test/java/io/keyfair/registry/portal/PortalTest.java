package io.keyfair.registry.portal;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The developer portal's server side without a browser: the first-party client start-up makes,
 * what "My apps" reads, and that the pages' sign-in and headers leave the APIs alone. (The pages
 * behind the sign-in are driven end to end in e2e-tests' DeveloperPortalIT.)
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PortalTest {

    private static final String PORTAL_CLIENT = "kf-portal-test";
    private static final String PORTAL_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    @Inject
    OwnedApps owned;

    @Test
    void startUpMakesThePortalATrustedFirstPartyClientWithItsRedirectsAndOnlyTheConfiguredSecret() throws SQLException {
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + PORTAL_CLIENT)
                .then().statusCode(200)
                .body("status", equalTo("approved"))
                .body("trusted", equalTo(true))
                .body("app_type", equalTo("third_party"))
                .body("owner_user_id", nullValue())
                .body("scope", equalTo("openid profile email roles"))
                .body("grant_types", equalTo(List.of("authorization_code", "refresh_token")))
                .body("redirect_uris", equalTo(List.of(TestTokens.ISSUER + "/developers/callback", TestTokens.ISSUER + "/console/callback")))
                .body("post_logout_redirect_uris",
                        equalTo(List.of(TestTokens.ISSUER + "/developers/signed-out", TestTokens.ISSUER + "/console/signed-out")));
        List<TestRows.SecretRow> secrets = TestRows.secrets(PORTAL_CLIENT);
        assertEquals(1, secrets.size());
        assertArrayEquals(Secrets.sha256(PORTAL_SECRET), secrets.get(0).hash());
        assertNull(secrets.get(0).expiresAt());
    }

    @Test
    void myAppsListsOnlyTheUsersOwnAppsWithTheirConnectionsByState() throws Exception {
        UUID owner = UUID.fromString(TestUsers.user().create(pool).id());
        UUID someoneElse = UUID.fromString(TestUsers.user().create(pool).id());
        String mine = dedicatedApp(owner);
        dedicatedApp(someoneElse);
        UUID connected = UUID.fromString(TestUsers.user().create(pool).id());
        TestRows.execute("insert into consents (user_id, client_id, scope, first_granted_at, last_used_at) "
                + "values (?, ?, 'openid', now(), now())", connected, mine);
        UUID removed = UUID.fromString(TestUsers.user().create(pool).id());
        TestRows.execute("insert into consents (user_id, client_id, scope, first_granted_at, last_used_at, revoked_at) "
                + "values (?, ?, 'openid', now(), now(), now())", removed, mine);

        List<OwnedApps.OwnedApp> apps = owned.of(owner).await().indefinitely();

        assertEquals(1, apps.size());
        OwnedApps.OwnedApp app = apps.get(0);
        assertEquals(mine, app.clientId());
        assertEquals("dedicated", app.appType());
        assertEquals("approved", app.status());
        assertEquals(List.of("https://app.example.com/callback"), app.redirectUris());
        assertEquals(Map.of("active", 1L, "idle", 0L, "reauth_required", 0L, "revoked", 1L, "suspended", 0L), app.connections());
        assertEquals(1L, owned.count(owner).await().indefinitely());
        assertEquals(List.of(), owned.of(UUID.randomUUID()).await().indefinitely());
    }

    @Test
    void aSuspendedAppShowsTheOperatorsNote() throws Exception {
        UUID owner = UUID.fromString(TestUsers.user().create(pool).id());
        String app = dedicatedApp(owner);
        TestRows.execute("update clients set status = 'suspended', status_reason = 'Scraping listings' where client_id = ?", app);

        OwnedApps.OwnedApp shown = owned.one(owner, app).await().indefinitely().orElseThrow();

        assertEquals("suspended", shown.status());
        assertEquals("Scraping listings", shown.statusNote());
        assertEquals(true, owned.one(UUID.randomUUID(), app).await().indefinitely().isEmpty());
    }

    @Test
    void theSignedOutPageIsOpenAndCannotBeFramed() {
        given().when().get("/developers/signed-out")
                .then().statusCode(200)
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-store")
                .body(containsString("You are signed out"))
                .body(containsString("<a class=\"brand\" href=\"/developers/apps\">Keyfair <span>Developers</span></a>"));
    }

    @Test
    void theAdminApiKeepsItsBearerCheckAndNoPageHeaders() {
        given().when().get("/admin/clients")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .header("X-Frame-Options", nullValue())
                .header("Content-Security-Policy", nullValue());
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/scopes").then().statusCode(200);
    }

    private String dedicatedApp(UUID owner) {
        Map<String, Object> metadata = Registrations.with(Registrations.with(Registrations.confidential(), "app_type", "dedicated"),
                "owner_user_id", owner.toString());
        return Registrations.register(TestTokens.admin().sign(signer), metadata).id();
    }
}
