package io.keyfair.token.grant;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.exchange;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RefreshTokenGrantTest {

    private static final List<String> SCOPES = List.of("openid", "profile", "email");

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    RevocationList revocations;

    @Inject
    ClientChanges changes;

    private record Grant(Created client, String userId, Response tokens) {
        String refreshToken() {
            return tokens.path("refresh_token");
        }
    }

    private Grant grant(TestClients builder) {
        Created client = builder.grantTypes("authorization_code refresh_token").scope("openid profile email").create(pool);
        String user = TestUsers.user().create(pool).id();
        Response tokens = exchange(client, code(codes, client, user, SCOPES, null, null), null);
        tokens.then().statusCode(200);
        return new Grant(client, user, tokens);
    }

    private static Response refresh(Created client, String refreshToken, String... more) {
        List<String> params = new ArrayList<>(List.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        params.addAll(List.of(more));
        return token(client, params.toArray(String[]::new));
    }

    private static void assertInvalidGrant(Response r) {
        r.then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    private long tokensInFamilyOf(String refreshToken) {
        return pool.preparedQuery("""
                select count(*) as n from refresh_tokens where family_id =
                  (select family_id from refresh_tokens where token_hash = $1)""")
                .execute(Tuple.of(Buffer.buffer(Secrets.sha256(refreshToken))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }

    @Test
    void everyUseReturnsANewRefreshTokenAndANewAccessToken() {
        Grant g = grant(TestClients.confidential());
        Response next = refresh(g.client(), g.refreshToken());
        next.then().statusCode(200).header("Cache-Control", "no-store").body("scope", equalTo("openid profile email"));
        assertNotEquals(g.refreshToken(), (String) next.path("refresh_token"));
        assertNotEquals((String) g.tokens().path("access_token"), (String) next.path("access_token"));
        refresh(g.client(), next.path("refresh_token")).then().statusCode(200);
    }

    @Test
    void retryWithinTheGraceWindowReturnsTheSameSuccessor() {
        Grant g = grant(TestClients.confidential().refreshGraceSeconds(30));
        Response first = refresh(g.client(), g.refreshToken());
        Response retry = refresh(g.client(), g.refreshToken());
        first.then().statusCode(200);
        retry.then().statusCode(200);
        assertEquals((String) first.path("refresh_token"), retry.path("refresh_token"));
        assertEquals(2, tokensInFamilyOf(g.refreshToken()));
    }

    @Test
    void retiredTokenUsedAfterTheGraceWindowRevokesTheWholeFamily() {
        Grant g = grant(TestClients.confidential().refreshGraceSeconds(0));
        Response successor = refresh(g.client(), g.refreshToken());
        successor.then().statusCode(200);
        assertInvalidGrant(refresh(g.client(), g.refreshToken()));
        // the legitimate successor and every access token of the grant die with the family
        assertInvalidGrant(refresh(g.client(), successor.path("refresh_token")));
        introspect(g.client(), successor.path("access_token")).then().body("active", equalTo(false));
        introspect(g.client(), g.tokens().path("access_token")).then().body("active", equalTo(false));
    }

    @Test
    void twentyParallelRefreshesOfOneTokenIssueExactlyOneSuccessor() throws Exception {
        Grant g = grant(TestClients.confidential().refreshGraceSeconds(30));
        ExecutorService pool20 = Executors.newFixedThreadPool(20);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> refresh(g.client(), g.refreshToken()));
            }
            Set<String> successors = new HashSet<>();
            for (Future<Response> f : pool20.invokeAll(calls)) {
                Response r = f.get();
                r.then().statusCode(200);
                successors.add(r.path("refresh_token"));
            }
            assertEquals(1, successors.size(), "every racing request got the same successor");
            assertEquals(2, tokensInFamilyOf(g.refreshToken()), "one original and one successor, nothing else");
            refresh(g.client(), successors.iterator().next()).then().statusCode(200);
        } finally {
            pool20.shutdownNow();
        }
    }

    @Test
    void scopeMayBeNarrowedButNeverWidened() {
        Grant g = grant(TestClients.confidential());
        refresh(g.client(), g.refreshToken(), "scope", "openid admin").then().statusCode(400).body("error", equalTo("invalid_scope"));
        // the refused request rotated nothing: the token still works
        Response narrowed = refresh(g.client(), g.refreshToken(), "scope", "profile");
        narrowed.then().statusCode(200).body("scope", equalTo("profile"));
        // the grant keeps its scope: the next refresh can ask for all of it again
        refresh(g.client(), narrowed.path("refresh_token")).then().statusCode(200).body("scope", equalTo("openid profile email"));
    }

    @Test
    void refreshTokenOfAnotherClientGivesInvalidGrant() {
        Grant g = grant(TestClients.confidential());
        Created other = TestClients.confidential().grantTypes("authorization_code refresh_token").create(pool);
        assertInvalidGrant(refresh(other, g.refreshToken()));
        refresh(g.client(), g.refreshToken()).then().statusCode(200);
    }

    @Test
    void unknownRefreshTokenGivesInvalidGrant() {
        assertInvalidGrant(refresh(grant(TestClients.confidential()).client(), Secrets.newSecret()));
    }

    @Test
    void removedConnectionStopsItsRefreshTokens() {
        Grant g = grant(TestClients.confidential());
        revocations.removeConnection(g.client().clientId(), g.userId(), Initiator.USER).await().atMost(Duration.ofSeconds(5));
        assertInvalidGrant(refresh(g.client(), g.refreshToken()));
        introspect(g.client(), g.tokens().path("access_token")).then().body("active", equalTo(false));
    }

    @Test
    void suspendedClientGetsInvalidClient() {
        Grant g = grant(TestClients.confidential());
        TestClients.setStatus(pool, changes, g.client().clientId(), "suspended");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1))
                .until(() -> refresh(g.client(), g.refreshToken()).statusCode() == 401);
        refresh(g.client(), g.refreshToken()).then().statusCode(401).body("error", equalTo("invalid_client"));
    }
}
