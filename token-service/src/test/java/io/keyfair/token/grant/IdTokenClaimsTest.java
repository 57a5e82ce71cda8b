package io.keyfair.token.grant;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * CONTRACT "ID tokens": an ID token carries the claims of the granted scopes exactly as userinfo
 * returns them (CONTRACT "UserInfo", the same values `UserInfoClaimsTest` expects of userinfo),
 * unless the client registered `id_token_scope_claims: false`.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class IdTokenClaimsTest {

    private static final List<String> EVERY_SCOPE = List.of("openid", "profile", "email", "seller", "roles");
    /** What every ID token says whatever the scopes. */
    private static final Set<String> OWN = Set.of("iss", "sub", "aud", "exp", "iat", "auth_time", "azp", "at_hash", "nonce");

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    private TestUsers.Created seller() {
        return TestUsers.user().name("Grace Hopper").email("grace@example.com").emailVerified(true)
                .seller(LocalDate.parse("2021-03-04")).roles("support operator")
                .updatedAt(OffsetDateTime.parse("2024-05-01T12:00:00Z")).create(pool);
    }

    /** The ID token's claims other than its own, by name. */
    private static Map<String, Object> userClaims(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        Map<String, Object> claims = new TreeMap<>(SignedJWT.parse(r.path("id_token")).getJWTClaimsSet().getClaims());
        claims.keySet().removeAll(OWN);
        return claims;
    }

    @Test
    void idTokenCarriesTheClaimsOfEveryGrantedScopeAsUserinfoReturnsThem() throws Exception {
        Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = seller();
        Map<String, Object> claims = userClaims(exchange(client, code(codes, client, user.id(), EVERY_SCOPE, "n", null), null));
        assertEquals(new TreeMap<>(Map.of(
                "name", "Grace Hopper",
                "preferred_username", user.username(),
                "updated_at", OffsetDateTime.parse("2024-05-01T12:00:00Z").toEpochSecond(),
                "email", "grace@example.com",
                "email_verified", true,
                "seller_verified", true,
                "seller_since", "2021-03-04",
                "roles", List.of("support", "operator"))), claims);
    }

    @Test
    void idTokenCarriesOnlyTheClaimsOfTheScopesGranted() throws Exception {
        Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = seller();
        Map<String, Object> claims = userClaims(exchange(client, code(codes, client, user.id(), List.of("openid", "email"), null, null), null));
        assertEquals(Map.of("email", "grace@example.com", "email_verified", true), claims);
    }

    @Test
    void clientWithoutRefreshTokensGetsTheSameClaims() throws Exception {
        Created client = TestClients.thirdParty().grantTypes("authorization_code").create(pool);
        TestUsers.Created user = seller();
        Map<String, Object> claims = userClaims(exchange(client, code(codes, client, user.id(), List.of("openid", "profile", "seller"), null, null), null));
        assertEquals(new TreeMap<>(Map.of(
                "name", "Grace Hopper",
                "preferred_username", user.username(),
                "updated_at", OffsetDateTime.parse("2024-05-01T12:00:00Z").toEpochSecond(),
                "seller_verified", true,
                "seller_since", "2021-03-04")), claims);
    }

    @Test
    void claimsWithoutAValueAreLeftOutAsUserinfoLeavesThemOut() throws Exception {
        Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().name(null).email(null).seller(null).roles("").create(pool);
        Map<String, Object> claims = userClaims(exchange(client, code(codes, client, user.id(), EVERY_SCOPE, null, null), null));
        assertEquals(new TreeMap<>(Map.of(
                "preferred_username", user.username(),
                "updated_at", OffsetDateTime.parse("2024-05-01T12:00:00Z").toEpochSecond(),
                "seller_verified", false,
                "roles", List.of())), claims);
    }

    @Test
    void clientThatRegisteredIdTokenScopeClaimsFalseGetsNoUserClaims() throws Exception {
        Created client = TestClients.thirdParty().idTokenScopeClaims(false).create(pool);
        TestUsers.Created user = seller();
        Response r = exchange(client, code(codes, client, user.id(), EVERY_SCOPE, "n", null), null);
        assertEquals(Map.of(), userClaims(r));
        assertEquals(user.id(), SignedJWT.parse(r.path("id_token")).getJWTClaimsSet().getSubject());
        assertFalse(SignedJWT.parse(r.path("access_token")).getJWTClaimsSet().getClaims().containsKey("email"));
    }
}
