package io.keyfair.registry.client;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.Registrations.Registered;
import io.keyfair.registry.TestRows;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ClientPatchTest {

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisKeys keys;

    private ValidatableResponse patch(String id, Object body) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().patch("/admin/clients/" + id).then();
    }

    @Test
    void patchChangesOnlyTheGivenMembersAndIsAudited() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        patch(client.id(), Map.of("client_name", "Renamed app", "access_token_ttl", 600,
                "redirect_uris", List.of("https://new.example.com/cb")))
                .statusCode(200)
                .body("client_name", equalTo("Renamed app"))
                .body("access_token_ttl", equalTo(600));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200)
                .body("client_name", equalTo("Renamed app"))
                .body("access_token_ttl", equalTo(600))
                .body("redirect_uris", contains("https://new.example.com/cb"))
                .body("grant_types", contains("authorization_code", "refresh_token"))
                .body("scope", equalTo("openid profile"))
                .body("status", equalTo("pending"));
        assertEquals(List.of(TestClients.ADMIN_CLIENT_ID), TestRows.auditActors("client.updated", client.id()));
    }

    @Test
    void postLogoutRedirectUrisArePatchedValidatedAndReset() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        patch(client.id(), Map.of("post_logout_redirect_uris", List.of("https://app.example.com/bye")))
                .statusCode(200)
                .body("post_logout_redirect_uris", contains("https://app.example.com/bye"));
        patch(client.id(), Map.of("post_logout_redirect_uris", List.of("http://app.example.com/bye")))
                .statusCode(400)
                .body("error", equalTo("invalid_redirect_uri"));
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).body("post_logout_redirect_uris", contains("https://app.example.com/bye"));

        Map<String, Object> reset = new HashMap<>();
        reset.put("post_logout_redirect_uris", null);
        patch(client.id(), reset).statusCode(200).body("post_logout_redirect_uris", equalTo(List.of()));
    }

    @Test
    void dpopBoundAccessTokensIsPatchedAndReadBackAndAStringIsRefused() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).body("dpop_bound_access_tokens", equalTo(false));

        patch(client.id(), Map.of("dpop_bound_access_tokens", true)).statusCode(200).body("dpop_bound_access_tokens", equalTo(true));
        patch(client.id(), Map.of("dpop_bound_access_tokens", "yes")).statusCode(400).body("error", equalTo("invalid_client_metadata"));
        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200).body("dpop_bound_access_tokens", equalTo(true));
        assertEquals(true, pool.preparedQuery("select dpop_bound_access_tokens from clients where client_id = $1")
                .execute(Tuple.of(client.id())).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getBoolean(0));
    }

    @Test
    void nullResetsAMemberToItsDefault() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer),
                Registrations.with(Registrations.confidential(), "access_token_ttl", 120));
        Map<String, Object> reset = new HashMap<>();
        reset.put("access_token_ttl", null);
        reset.put("scope", null);

        patch(client.id(), reset).statusCode(200);

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200)
                .body("access_token_ttl", equalTo(null))
                .body("scope", equalTo("openid"));
    }

    @Test
    void mergedResultIsValidatedAsAWholeAndAFailureChangesNothing() {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.machine());

        // client_credentials alone needs no redirect URI; adding the code grant does
        patch(client.id(), Map.of("grant_types", List.of("client_credentials", "authorization_code")))
                .statusCode(400)
                .body("error", equalTo("invalid_redirect_uri"));
        patch(client.id(), Map.of("token_endpoint_auth_method", "none"))
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));
        patch(client.id(), Map.of("trusted", "yes"))
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200)
                .body("grant_types", contains("client_credentials"))
                .body("token_endpoint_auth_method", equalTo("client_secret_basic"))
                .body("trusted", equalTo(false));
    }

    @ParameterizedTest
    @ValueSource(strings = { "client_id", "client_secret", "status", "app_type", "owner_user_id" })
    void identityLifecycleAndOwnershipCannotBePatched(String member) {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());

        patch(client.id(), Map.of(member, "approved"))
                .statusCode(400)
                .body("error", equalTo("invalid_client_metadata"));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + client.id())
                .then().statusCode(200)
                .body("client_id", equalTo(client.id()))
                .body("status", equalTo("pending"))
                .body("app_type", equalTo("third_party"));
    }

    @Test
    void patchOfAnUnknownClientIsNotFound() {
        patch("ffffffffffffffffffffffffffffffff", Map.of("client_name", "x"))
                .statusCode(404)
                .body("error", equalTo("not_found"));
    }

    @Test
    void everyChangeIsPublishedOnTheClientChangesChannel() throws Exception {
        Registered client = Registrations.register(TestTokens.admin().sign(signer), Registrations.confidential());
        List<String> published = new CopyOnWriteArrayList<>();
        ReactivePubSubCommands<String> pubsub = redis.pubsub(String.class);
        var subscriber = pubsub.subscribe(keys.clientChangesChannel(), published::add)
                .await().atMost(Duration.ofSeconds(5));
        try {
            patch(client.id(), Map.of("client_name", "Published change")).statusCode(200);

            Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> published.contains(client.id()));
        } finally {
            subscriber.unsubscribe().await().atMost(Duration.ofSeconds(5));
        }
    }

    @Test
    void theBootstrapAdminClientKeepsWhatItNeedsToWork() throws Exception {
        TestClients.ensureBootstrapAdmin(pool);

        patch(TestClients.ADMIN_CLIENT_ID, Map.of("grant_types", List.of("authorization_code"),
                "redirect_uris", List.of("https://admin.example.com/cb")))
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        patch(TestClients.ADMIN_CLIENT_ID, Map.of("scope", "openid"))
                .statusCode(400)
                .body("error", equalTo("invalid_request"));

        given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + TestClients.ADMIN_CLIENT_ID)
                .then().statusCode(200)
                .body("grant_types", contains("client_credentials"))
                .body("scope", equalTo("admin"))
                .body("status", equalTo("approved"));
    }
}
