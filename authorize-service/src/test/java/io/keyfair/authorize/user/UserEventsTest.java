package io.keyfair.authorize.user;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestStreams;
import io.keyfair.common.testing.TestStreams.Event;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/** What connected apps hear (security events) when an admin changes or deletes a user. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UserEventsTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private RequestSpecification admin() {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType("application/json");
    }

    private String app(String userId, String scope) {
        String clientId = TestClients.thirdParty().create(pool).clientId();
        TestStreams.connect(pool, clientId, userId, scope);
        TestStreams.poll(pool, clientId);
        return clientId;
    }

    @Test
    void eachAppHearsOnlyOfTheChangedClaimsItWasGrantedAndOfANewPassword() {
        String userId = TestUsers.user().create(pool).id();
        String seller = app(userId, "openid seller");
        String profile = app(userId, "openid profile email");

        admin().body(Map.of("seller_verified", true)).patch("/admin/users/" + userId).then().statusCode(200);
        List<Event> sellerEvents = TestStreams.events(pool, seller);
        assertEquals(1, sellerEvents.size());
        assertEquals(SecurityEvents.TOKEN_CLAIMS_CHANGE, sellerEvents.get(0).type());
        JsonObject claims = sellerEvents.get(0).event().getJsonObject("claims");
        assertEquals(Boolean.TRUE, claims.getBoolean("seller_verified"));
        assertEquals(0, TestStreams.events(pool, profile).size(), "profile and email did not change");

        admin().body(Map.of("password", "a new and long passphrase 42")).patch("/admin/users/" + userId).then().statusCode(200);
        for (String app : List.of(seller, profile)) {
            List<Event> events = TestStreams.events(pool, app);
            Event last = events.get(events.size() - 1);
            assertEquals(SecurityEvents.CREDENTIAL_CHANGE, last.type());
            assertEquals("admin", last.event().getString("initiating_entity"));
        }
        assertEquals(1, TestStreams.events(pool, profile).size(), "a password alone changes no claim");
    }

    @Test
    void deletingAUserRevokesEverySessionFirst() {
        String userId = TestUsers.user().create(pool).id();
        String one = app(userId, "openid");
        String two = app(userId, "openid profile");
        admin().delete("/admin/users/" + userId).then().statusCode(204);
        for (String app : List.of(one, two)) {
            List<Event> events = TestStreams.events(pool, app);
            assertEquals(1, events.size());
            assertEquals(SecurityEvents.SESSION_REVOKED, events.get(0).type());
            assertEquals(userId, events.get(0).userId());
            assertEquals("admin", events.get(0).event().getString("initiating_entity"));
        }
    }
}
