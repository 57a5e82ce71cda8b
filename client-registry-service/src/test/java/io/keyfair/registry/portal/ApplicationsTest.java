package io.keyfair.registry.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Applying for a third-party app: who may, the limit, and what the registry makes of it. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ApplicationsTest {

    private static final Set<String> OFFERED = Set.of("openid", "profile", "seller");

    @Inject
    Pool pool;

    @Inject
    Applications applications;

    @Test
    void aVerifiedSellersApplicationIsAPendingThirdPartyAppTheyOwnWithItsSecretAndReason() throws Exception {
        UUID seller = UUID.fromString(TestUsers.user().seller(LocalDate.of(2024, 1, 1)).create(pool).id());

        Applications.Outcome outcome = applications.apply(seller, form("Price watcher", "We compare card prices for our users."), OFFERED)
                .await().indefinitely();

        assertEquals(Map.of(), outcome.errors());
        String id = outcome.registered().client().clientId();
        assertNotNull(outcome.registered().clientSecret());
        assertEquals("pending", outcome.registered().client().status());
        assertEquals("third_party", outcome.registered().client().metadata().appType());
        assertEquals(seller.toString(), TestRows.text("select owner_user_id::text from clients where client_id = ?", id));
        assertEquals("We compare card prices for our users.", TestRows.text("select reason from clients where client_id = ?", id));
        assertEquals("https://cdn.example.com/logo.png", outcome.registered().client().metadata().logoUri());
        assertEquals(List.of("user:" + seller), TestRows.auditActors("client.created", id));
    }

    @Test
    void onlyVerifiedSellersMayApplyByDefault() throws Exception {
        UUID buyer = UUID.fromString(TestUsers.user().create(pool).id());

        Applications.Outcome outcome = applications.apply(buyer, form("Nope", "Because"), OFFERED).await().indefinitely();

        assertNull(outcome.registered());
        assertEquals("Only verified sellers may apply for a third-party app.", outcome.errors().get(DedicatedAppForm.FORM));
        assertEquals(0L, TestRows.count("select count(*) from clients where owner_user_id = ?", buyer));
    }

    @Test
    void aMissingReasonAndARestrictedScopeAreNamedNextToTheirFields() {
        UUID seller = UUID.fromString(TestUsers.user().seller(LocalDate.of(2024, 1, 1)).create(pool).id());
        MultivaluedMap<String, String> body = body("Sync", "");
        body.add("scope", "admin");

        Map<String, String> errors = applications.apply(seller, ApplyForm.from(body), OFFERED).await().indefinitely().errors();

        assertEquals("Tell the operators what your app does and why it needs these scopes.", errors.get(ApplyForm.REASON));
        assertEquals("Choose only scopes from the list.", errors.get(DedicatedAppForm.SCOPE));
    }

    @Test
    void theRegistrysErrorOnALinkIsShownAtThatLink() {
        UUID seller = UUID.fromString(TestUsers.user().seller(LocalDate.of(2024, 1, 1)).create(pool).id());
        MultivaluedMap<String, String> body = body("Sync", "Reason");
        body.putSingle("tos_uri", "http://example.com/terms");

        Map<String, String> errors = applications.apply(seller, ApplyForm.from(body), OFFERED).await().indefinitely().errors();

        assertTrue(errors.containsKey(ApplyForm.TOS_URI), errors.toString());
    }

    @Test
    void thePerUserLimitCountsEveryApp() throws Exception {
        UUID seller = UUID.fromString(TestUsers.user().seller(LocalDate.of(2024, 1, 1)).create(pool).id());
        for (int i = 0; i < 5; i++) {
            assertNotNull(applications.apply(seller, form("App " + i, "Reason"), OFFERED).await().indefinitely().registered());
        }

        Applications.Outcome sixth = applications.apply(seller, form("App 6", "Reason"), OFFERED).await().indefinitely();

        assertNull(sixth.registered());
        assertTrue(sixth.errors().get(DedicatedAppForm.FORM).startsWith("You already own 5 apps"));
        assertEquals(5L, TestRows.count("select count(*) from clients where owner_user_id = ?", seller));
    }

    private static ApplyForm form(String name, String reason) {
        return ApplyForm.from(body(name, reason));
    }

    private static MultivaluedMap<String, String> body(String name, String reason) {
        MultivaluedMap<String, String> body = new MultivaluedHashMap<>();
        body.add("client_name", name);
        body.add("redirect_uris", "https://app.example.com/callback");
        body.add("scope", "openid");
        body.add("scope", "seller");
        body.add("logo_uri", "https://cdn.example.com/logo.png");
        body.add("tos_uri", "https://app.example.com/terms");
        body.add("policy_uri", "https://app.example.com/privacy");
        body.add("reason", reason);
        return body;
    }
}
