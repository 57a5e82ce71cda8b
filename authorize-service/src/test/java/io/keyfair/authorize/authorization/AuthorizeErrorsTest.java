package io.keyfair.authorize.authorization;

import static io.keyfair.authorize.TestRequests.params;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** CONTRACT.md "Authorization endpoint": which errors are pages and which are redirected. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AuthorizeErrorsTest {

    @Inject
    Pool pool;

    @Inject
    ClientChanges changes;

    /** An HTML page with status 400, no redirect, and nothing internal in it. */
    private static void assertErrorPage(Response r) {
        r.then().statusCode(400)
                .contentType(startsWith("text/html"))
                .header("Location", nullValue())
                .header("X-Frame-Options", "DENY")
                .body(not(containsString("Exception")))
                .body(not(containsString("io.keyfair")))
                .body(not(containsString("at io.")));
    }

    /** A redirect to the client's URI with the error, a description, the state and iss in the query. */
    private static Map<String, String> assertRedirectedError(Response r, TestClients.Created client, Map<String, String> sent,
            String error) {
        r.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> cb = Browser.callback(r);
        assertEquals(error, cb.get("error"), "error of " + cb);
        assertNotNull(cb.get("error_description"));
        assertTrue(cb.get("error_description").matches("[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+"), "RFC 6749 charset");
        assertEquals(sent.get("state"), cb.get("state"));
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        assertNull(cb.get("code"));
        return cb;
    }

    private Map<String, String> redirectedError(TestClients.Created client, Map<String, String> p, String error) {
        return assertRedirectedError(new Browser().authorize(p), client, p, error);
    }

    // --- errors shown as a page: no trustworthy redirect target ---

    @Test
    void unknownClientGivesAnErrorPage() {
        assertErrorPage(new Browser().authorize(Map.of("response_type", "code", "client_id", "f".repeat(32),
                "redirect_uri", TestClients.REDIRECT_URI, "state", "s")));
    }

    @Test
    void missingClientIdGivesAnErrorPage() {
        assertErrorPage(new Browser().authorize(Map.of("response_type", "code", "redirect_uri", TestClients.REDIRECT_URI)));
    }

    @Test
    void pendingRejectedAndSuspendedClientsGetAnErrorPage() {
        for (String status : new String[] {"pending", "rejected", "suspended"}) {
            TestClients.Created client = TestClients.thirdParty().status(status).create(pool);
            assertErrorPage(new Browser().authorize(params(client, "openid")));
        }
    }

    @Test
    void clientSuspendedAfterBeingCachedGetsAnErrorPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        new Browser().authorize(params(client, "openid")).then().statusCode(302);
        TestClients.setStatus(pool, changes, client.clientId(), "suspended");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> new Browser().authorize(params(client, "openid")).statusCode() == 400);
        assertErrorPage(new Browser().authorize(params(client, "openid")));
    }

    @Test
    void unregisteredRedirectUriGivesAnErrorPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        assertErrorPage(new Browser().authorize(params(client, "openid", "redirect_uri", "https://evil.example/cb")));
        // exact match only: no prefix, no trailing slash, no extra query
        assertErrorPage(new Browser().authorize(params(client, "openid", "redirect_uri", TestClients.REDIRECT_URI + "/")));
        assertErrorPage(new Browser().authorize(params(client, "openid", "redirect_uri", TestClients.REDIRECT_URI + "?x=1")));
        assertErrorPage(new Browser().authorize(params(client, "openid", "redirect_uri", "HTTP://127.0.0.1:9/cb")));
    }

    @Test
    void omittedRedirectUriWithSeveralRegisteredGivesAnErrorPage() {
        TestClients.Created client = TestClients.thirdParty().redirectUris("http://127.0.0.1:9/cb http://127.0.0.1:9/cb/2").create(pool);
        assertErrorPage(new Browser().authorize(params(client, "openid", "redirect_uri", null)));
    }

    @Test
    void clientIdGivenTwiceGivesAnErrorPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = given().redirects().follow(false)
                .queryParam("response_type", "code").queryParam("client_id", client.clientId(), client.clientId())
                .queryParam("redirect_uri", client.redirectUri()).queryParam("state", "s")
                .get("/oauth/authorize");
        assertErrorPage(r);
    }

    @Test
    void redirectUriGivenTwiceGivesAnErrorPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = given().redirects().follow(false)
                .queryParam("response_type", "code").queryParam("client_id", client.clientId())
                .queryParam("redirect_uri", client.redirectUri(), client.redirectUri()).queryParam("state", "s")
                .get("/oauth/authorize");
        assertErrorPage(r);
    }

    @Test
    void rejectedRequestIsAudited() {
        String clientId = "e".repeat(32);
        new Browser().authorize(Map.of("response_type", "code", "client_id", clientId));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> pool
                .preparedQuery("select 1 from audit_events where type = 'authorize.rejected' and client_id = $1")
                .execute(Tuple.of(clientId)).await().atMost(Duration.ofSeconds(5)).size() > 0);
    }

    // --- errors redirected to the client ---

    @Test
    void implicitResponseTypeGivesUnsupportedResponseType() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "response_type", "token"), "unsupported_response_type");
    }

    @Test
    void hybridAndIdTokenResponseTypesGiveUnsupportedResponseType() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        for (String type : new String[] {"id_token token", "id_token", "code id_token", "code token", "none"}) {
            redirectedError(client, params(client, "openid", "response_type", type), "unsupported_response_type");
        }
    }

    @Test
    void missingResponseTypeGivesInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "response_type", null), "invalid_request");
    }

    @Test
    void anyOtherParameterGivenTwiceGivesInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = given().redirects().follow(false)
                .queryParam("response_type", "code").queryParam("client_id", client.clientId())
                .queryParam("redirect_uri", client.redirectUri()).queryParam("state", "s1")
                .queryParam("scope", "openid", "profile")
                .get("/oauth/authorize");
        assertRedirectedError(r, client, Map.of("state", "s1"), "invalid_request");
    }

    @Test
    void scopeTheClientIsNotRegisteredForGivesInvalidScope() {
        TestClients.Created client = TestClients.thirdParty().scope("openid profile").create(pool);
        redirectedError(client, params(client, "openid email"), "invalid_scope");
    }

    @Test
    void unknownScopeGivesInvalidScope() {
        TestClients.Created client = TestClients.thirdParty().scope("openid profile bogus").create(pool);
        redirectedError(client, params(client, "openid bogus"), "invalid_scope");
    }

    @Test
    void adminScopeGivesInvalidScopeEvenWhenRegistered() {
        TestClients.Created client = TestClients.thirdParty().scope("openid admin").create(pool);
        redirectedError(client, params(client, "openid admin"), "invalid_scope");
    }

    @Test
    void ssfScopesGiveInvalidScopeEvenWhenRegistered() {
        TestClients.Created client = TestClients.thirdParty().scope("openid ssf.manage ssf.read").create(pool);
        redirectedError(client, params(client, "openid ssf.manage"), "invalid_scope");
        redirectedError(client, params(client, "ssf.read"), "invalid_scope");
    }

    @Test
    void publicClientWithoutPkceGivesInvalidRequest() {
        TestClients.Created client = TestClients.publicClient().create(pool);
        redirectedError(client, params(client, "openid", "code_challenge", null, "code_challenge_method", null), "invalid_request");
    }

    @Test
    void confidentialClientWithoutPkceIsAccepted() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        new Browser().authorize(params(client, "openid", "code_challenge", null, "code_challenge_method", null))
                .then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    @Test
    void plainPkceIsRefused() {
        TestClients.Created client = TestClients.publicClient().create(pool);
        String verifierAsChallenge = "a".repeat(43);
        redirectedError(client, params(client, "openid", "code_challenge", verifierAsChallenge, "code_challenge_method", "plain"),
                "invalid_request");
    }

    @Test
    void challengeWithoutMethodIsRefusedAsImplicitPlain() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "code_challenge_method", null), "invalid_request");
    }

    @Test
    void dpopJktThatIsNotAThumbprintGivesInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "dpop_jkt", "not a thumbprint"), "invalid_request");
    }

    @Test
    void methodWithoutChallengeIsRefused() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "code_challenge", null), "invalid_request");
    }

    @Test
    void malformedCodeChallengeIsRefused() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        for (String bad : new String[] {"short", "a".repeat(42), "a".repeat(129), "a".repeat(42) + "!", "a".repeat(42) + "="}) {
            redirectedError(client, params(client, "openid", "code_challenge", bad), "invalid_request");
        }
    }

    @Test
    void unknownPromptValueGivesInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "prompt", "select_account"), "invalid_request");
    }

    @Test
    void promptNoneCombinedWithLoginOrConsentGivesInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "prompt", "none login"), "invalid_request");
        redirectedError(client, params(client, "openid", "prompt", "consent none"), "invalid_request");
    }

    @Test
    void clientWithoutTheCodeGrantGivesUnauthorizedClient() {
        TestClients.Created client = TestClients.thirdParty().grantTypes("client_credentials").create(pool);
        redirectedError(client, params(client, "openid"), "unauthorized_client");
    }

    /** OpenID Connect Core §3.1.2.6 (CONTRACT "Authorization endpoint"). */
    @Test
    void requestObjectsAreRefusedAsRequestNotSupported() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        redirectedError(client, params(client, "openid", "request", "eyJhbGciOiJub25lIn0.e30."), "request_not_supported");
    }

    @Test
    void fragmentResponseModeIsRefusedInTheQuery() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid", "response_mode", "fragment");
        Response r = new Browser().authorize(p);
        assertFalse(r.header("Location").contains("#"));
        assertRedirectedError(r, client, p, "invalid_request");
    }

    @Test
    void errorWithoutStateCarriesNoState() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> cb = redirectedError(client, params(client, "openid", "state", null, "response_type", "token"),
                "unsupported_response_type");
        assertFalse(cb.containsKey("state"));
    }

    @Test
    void postRequestErrorsAreRedirectedToo() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid", "response_type", "token");
        assertRedirectedError(new Browser().post("/oauth/authorize", p), client, p, "unsupported_response_type");
    }
}
