package io.keyfair.authorize.par;

import static io.keyfair.authorize.TestRequests.params;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.code.AuthorizationCodes.Redemption;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestDpop;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * CONTRACT "Sender-constrained tokens and pushed authorization requests" (RFC 9126) and the
 * request-object rules of "Authorization endpoint" (OpenID Connect Core §3.1.2.6): the PAR endpoint
 * authenticates the client as the token endpoint does and checks the request as the authorization
 * endpoint would; its `request_uri` then stands for the pushed request, once, for its client only.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PushedAuthorizationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String URN = "urn:ietf:params:oauth:request_uri:";

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    @Inject
    PushedRequests pushedRequests;

    /** A caller address of its own, so failure throttles of other tests do not meet this one's. */
    private static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.18." + r.nextInt(256) + "." + (1 + r.nextInt(250));
    }

    private static String basic(TestClients.Created client, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((client.clientId() + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static RequestSpecification par() {
        return given().redirects().follow(false).header("X-Forwarded-For", address()).contentType("application/x-www-form-urlencoded");
    }

    /**
     * POST /oauth/par with Basic authentication and these parameters (less client_id, which Basic
     * carries), with a `DPoP` header for each proof given.
     */
    private static Response pushBasic(TestClients.Created client, Map<String, String> params, String... proofs) {
        Map<String, String> form = new HashMap<>(params);
        form.remove("client_id");
        RequestSpecification request = par().header("Authorization", basic(client, client.secret()));
        for (String proof : proofs) {
            request = request.header("DPoP", proof);
        }
        return request.formParams(form).post("/oauth/par");
    }

    private static String pushed(TestClients.Created client, Map<String, String> params) {
        return pushBasic(client, params).then().statusCode(201).extract().path("request_uri");
    }

    private static void assertJsonError(Response r, int status, String error) {
        r.then().statusCode(status)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo(error))
                .body("request_uri", nullValue());
    }

    /** An HTML page with status 400 and no redirect. */
    private static void assertErrorPage(Response r) {
        r.then().statusCode(400).contentType(startsWith("text/html")).header("Location", nullValue());
    }

    /** An error redirected to the client's registered URI, with iss. */
    private static Map<String, String> assertRedirectedError(Response r, TestClients.Created client, String error) {
        r.then().statusCode(302).header("Location", startsWith(client.redirectUri() + "?"));
        Map<String, String> cb = Browser.callback(r);
        assertEquals(error, cb.get("error"), "error of " + cb);
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        assertNull(cb.get("code"));
        return cb;
    }

    private static Map<String, String> front(TestClients.Created client, String requestUri) {
        return Map.of("client_id", client.clientId(), "request_uri", requestUri);
    }

    private AuthorizationCode redeem(String code) {
        Redemption r = codes.redeem(code).await().atMost(WAIT);
        return assertInstanceOf(Redemption.Redeemed.class, r, "the code is in Redis, unused").code();
    }

    // --- the PAR endpoint ---

    @Test
    void basicAuthenticatedPushGets201WithAnUnguessableRequestUriForSixtySecondsNotStored() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        pushBasic(client, params(client, "openid profile")).then()
                .statusCode(201)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                // 256 random bits, hex
                .body("request_uri", matchesPattern("urn:ietf:params:oauth:request_uri:[0-9a-f]{64}"))
                .body("expires_in", equalTo(60));
    }

    @Test
    void pushesCountAgainstTheClientsRequestLimit() {
        // CONTRACT "Errors, limits, bad input": request limits per client at PAR too
        TestClients.Created client = TestClients.thirdParty().rateLimits(null, 2).create(pool);
        pushed(client, params(client, "openid profile"));
        pushed(client, params(client, "openid profile"));
        Response third = pushBasic(client, params(client, "openid profile"));
        assertJsonError(third, 429, "rate_limited");
        third.then().header("Retry-After", matchesPattern("[1-9][0-9]*"));
    }

    @Test
    void everyPushGetsItsOwnRequestUri() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid");
        assertNotEquals(pushed(client, p), pushed(client, p));
    }

    @Test
    void clientSecretPostAuthenticates() {
        TestClients.Created client = TestClients.thirdParty().authMethod("client_secret_post").create(pool);
        Map<String, String> form = new HashMap<>(params(client, "openid"));
        form.put("client_secret", client.secret());
        par().formParams(form).post("/oauth/par").then().statusCode(201).body("request_uri", startsWith(URN));
    }

    @Test
    void publicClientIdentifiesItselfByClientIdWithPkce() {
        TestClients.Created client = TestClients.publicClient().create(pool);
        par().formParams(params(client, "openid")).post("/oauth/par").then().statusCode(201).body("request_uri", startsWith(URN));
    }

    @Test
    void wrongSecretWithBasicIsInvalidClientWithBasicChallenge() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> form = new HashMap<>(params(client, "openid"));
        form.remove("client_id");
        Response r = par().header("Authorization", basic(client, "f".repeat(64))).formParams(form).post("/oauth/par");
        assertJsonError(r, 401, "invalid_client");
        r.then().header("WWW-Authenticate", startsWith("Basic"));
    }

    @Test
    void confidentialClientWithoutItsSecretIsInvalidClient() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = par().formParams(params(client, "openid")).post("/oauth/par");
        assertJsonError(r, 401, "invalid_client");
        r.then().header("WWW-Authenticate", nullValue());
    }

    @Test
    void pushWithoutAnyClientIsInvalidClient() {
        assertJsonError(par().formParams(Map.of("response_type", "code", "scope", "openid")).post("/oauth/par"), 401, "invalid_client");
    }

    @Test
    void suspendedClientIsInvalidClient() {
        TestClients.Created client = TestClients.thirdParty().status("suspended").create(pool);
        assertJsonError(pushBasic(client, params(client, "openid")), 401, "invalid_client");
    }

    @Test
    void unregisteredRedirectUriIsInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = pushBasic(client, params(client, "openid", "redirect_uri", "https://attacker.example/cb"));
        assertJsonError(r, 400, "invalid_request");
        r.then().body("error_description", containsString("redirect_uri"));
    }

    @Test
    void missingRedirectUriWithSeveralRegisteredIsInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().redirectUris(TestClients.REDIRECT_URI + " http://127.0.0.1:9/other")
                .create(pool);
        assertJsonError(pushBasic(client, params(client, "openid", "redirect_uri", null)), 400, "invalid_request");
    }

    @Test
    void scopeTheClientMayNotAskForIsInvalidScope() {
        TestClients.Created client = TestClients.thirdParty().scope("openid profile").create(pool);
        assertJsonError(pushBasic(client, params(client, "openid email")), 400, "invalid_scope");
    }

    @Test
    void publicClientWithoutPkceIsInvalidRequest() {
        TestClients.Created client = TestClients.publicClient().create(pool);
        Response r = par().formParams(params(client, "openid", "code_challenge", null, "code_challenge_method", null)).post("/oauth/par");
        assertJsonError(r, 400, "invalid_request");
    }

    @Test
    void implicitResponseTypeIsUnsupportedResponseType() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        assertJsonError(pushBasic(client, params(client, "openid", "response_type", "token")), 400, "unsupported_response_type");
    }

    @Test
    void requestUriInsideAPushIsInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        String earlier = pushed(client, params(client, "openid"));
        assertJsonError(pushBasic(client, params(client, "openid", "request_uri", earlier)), 400, "invalid_request");
    }

    @Test
    void requestObjectInsideAPushIsRequestNotSupported() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        assertJsonError(pushBasic(client, params(client, "openid", "request", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.")),
                400, "request_not_supported");
    }

    @Test
    void repeatedParameterIsInvalidRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = par().header("Authorization", basic(client, client.secret()))
                .formParam("response_type", "code").formParam("scope", "openid").formParam("scope", "profile")
                .formParam("redirect_uri", client.redirectUri()).post("/oauth/par");
        assertJsonError(r, 400, "invalid_request");
    }

    @Test
    void clientWithoutTheCodeGrantIsUnauthorizedClient() {
        TestClients.Created client = TestClients.confidential().create(pool);
        assertJsonError(pushBasic(client, params(client, "profile")), 400, "unauthorized_client");
    }

    @Test
    void unreadableFormIsAJsonErrorNotAPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        par().header("Authorization", basic(client, client.secret())).body("scope=%zz&response_type=code").post("/oauth/par")
                .then().statusCode(400).contentType(startsWith("application/json")).body("error", equalTo("invalid_request"));
    }

    @Test
    void pushedParametersAreKeptAsSentDpopJktIncludedAndCredentialsLeftOut() {
        TestClients.Created client = TestClients.thirdParty().authMethod("client_secret_post").create(pool);
        Map<String, String> form = new HashMap<>(params(client, "openid", "dpop_jkt", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
        form.put("client_secret", client.secret());
        String requestUri = par().formParams(form).post("/oauth/par").then().statusCode(201).extract().path("request_uri");

        Map<String, String> kept = pushedRequests.take(client.clientId(), requestUri).await().atMost(WAIT).orElseThrow();
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", kept.get("dpop_jkt"));
        assertEquals(form.get("code_challenge"), kept.get("code_challenge"));
        assertEquals(client.clientId(), kept.get("client_id"));
        assertTrue(!kept.containsKey("client_secret"), "the secret is not kept: " + kept.keySet());
    }

    // --- a DPoP proof with the push (RFC 9449 §10.1) ---

    private static final String PAR_URL = TestTokens.ISSUER + "/oauth/par";

    @Test
    void aProofWithThePushBindsTheCodeToItsKey() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        TestDpop key = TestDpop.es256();
        Response pushed = pushBasic(client, params(client, "openid"), key.proof().htu(PAR_URL).build());
        pushed.then().statusCode(201).header("DPoP-Nonce", nullValue());

        Map<String, String> cb = new Browser().authorizeThrough(front(client, pushed.path("request_uri")), user, "approve");
        assertEquals(key.jkt(), redeem(cb.get("code")).dpopJkt(), "the code is bound to the proof's key");
    }

    @Test
    void aProofAndTheSameDpopJktAreAccepted() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestDpop key = TestDpop.es256();
        String requestUri = pushBasic(client, params(client, "openid", "dpop_jkt", key.jkt()), key.proof().htu(PAR_URL).build())
                .then().statusCode(201).extract().path("request_uri");
        assertEquals(key.jkt(), pushedRequests.take(client.clientId(), requestUri).await().atMost(WAIT).orElseThrow().get("dpop_jkt"));
    }

    @Test
    void aDpopJktOfAnotherKeyThanTheProofsIsRefused() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestDpop key = TestDpop.es256();
        Response r = pushBasic(client, params(client, "openid", "dpop_jkt", TestDpop.es256().jkt()), key.proof().htu(PAR_URL).build());
        assertJsonError(r, 400, "invalid_dpop_proof");
    }

    @Test
    void aProofForAnotherEndpointOrUsedBeforeIsRefused() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestDpop key = TestDpop.es256();
        assertJsonError(pushBasic(client, params(client, "openid"), key.forToken()), 400, "invalid_dpop_proof");

        String proof = key.proof().htu(PAR_URL).build();
        pushBasic(client, params(client, "openid"), proof).then().statusCode(201);
        assertJsonError(pushBasic(client, params(client, "openid"), proof), 400, "invalid_dpop_proof");

        assertJsonError(pushBasic(client, params(client, "openid"), key.proof().htu(PAR_URL).build(), key.proof().htu(PAR_URL).build()),
                400, "invalid_dpop_proof");
    }

    // --- the authorization endpoint with a request_uri ---

    @Test
    void requestUriStartsTheLoginOfThePushedRequestAndTheCodeCarriesItsParameters() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> p = params(client, "openid profile");
        Map<String, String> cb = new Browser().authorizeThrough(front(client, pushed(client, p)), user, "approve");
        assertEquals(p.get("state"), cb.get("state"), "the pushed state comes back: " + cb);
        assertEquals(TestTokens.ISSUER, cb.get("iss"));
        AuthorizationCode code = redeem(cb.get("code"));
        assertEquals(client.clientId(), code.clientId());
        assertEquals(List.of("openid", "profile"), code.scopes());
        assertEquals(p.get("nonce"), code.nonce());
        assertEquals(p.get("code_challenge"), code.codeChallenge());
        assertEquals(p.get("redirect_uri"), code.redirectUri());
        assertEquals(user.id(), code.userId());
    }

    @Test
    void frontChannelParametersBesideClientIdAndRequestUriAreIgnored() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        TestUsers.Created user = TestUsers.user().create(pool);
        Map<String, String> p = params(client, "openid");
        Map<String, String> front = new HashMap<>(front(client, pushed(client, p)));
        front.put("scope", "openid email seller");
        front.put("state", "front-state");
        front.put("response_type", "token");
        Map<String, String> cb = new Browser().authorizeThrough(front, user, "approve");
        assertEquals(p.get("state"), cb.get("state"));
        assertEquals(List.of("openid"), redeem(cb.get("code")).scopes());
    }

    @Test
    void usedRequestUriIsRedirectedAsInvalidRequestUri() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        String requestUri = pushed(client, params(client, "openid"));
        new Browser().authorize(front(client, requestUri)).then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
        assertRedirectedError(new Browser().authorize(front(client, requestUri)), client, "invalid_request_uri");
    }

    @Test
    void anotherClientsRequestUriIsInvalidAndStaysUsableByItsOwnClient() {
        TestClients.Created owner = TestClients.thirdParty().create(pool);
        TestClients.Created other = TestClients.thirdParty().create(pool);
        String requestUri = pushed(owner, params(owner, "openid"));
        assertRedirectedError(new Browser().authorize(front(other, requestUri)), other, "invalid_request_uri");
        new Browser().authorize(front(owner, requestUri)).then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    @Test
    void unknownRequestUriOfOurFormIsInvalidRequestUri() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        assertRedirectedError(new Browser().authorize(front(client, URN + "0".repeat(64))), client, "invalid_request_uri");
    }

    @Test
    void invalidRequestUriWithNoKnownRedirectUriIsAPage() {
        TestClients.Created client = TestClients.thirdParty().redirectUris(TestClients.REDIRECT_URI + " http://127.0.0.1:9/other")
                .create(pool);
        assertErrorPage(new Browser().authorize(front(client, URN + "0".repeat(64))));
    }

    @Test
    void requestUriWithAnUnknownClientIsAPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        String requestUri = pushed(client, params(client, "openid"));
        assertErrorPage(new Browser().authorize(Map.of("client_id", "f".repeat(32), "request_uri", requestUri)));
        // the refused attempt did not use it up
        new Browser().authorize(front(client, requestUri)).then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    @Test
    void requestUriWorksWithAPostedAuthorizationRequest() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        String requestUri = pushed(client, params(client, "openid"));
        new Browser().post("/oauth/authorize", front(client, requestUri)).then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    // --- require_pushed_authorization_requests ---

    @Test
    void clientRequiringParCannotAuthorizeWithoutARequestUri() {
        TestClients.Created client = TestClients.thirdParty().requirePushedAuthorizationRequests().create(pool);
        Map<String, String> p = params(client, "openid");
        Map<String, String> cb = assertRedirectedError(new Browser().authorize(p), client, "invalid_request");
        assertEquals(p.get("state"), cb.get("state"));
    }

    @Test
    void clientRequiringParAuthorizesWithItsRequestUri() {
        TestClients.Created client = TestClients.thirdParty().requirePushedAuthorizationRequests().create(pool);
        String requestUri = pushed(client, params(client, "openid"));
        new Browser().authorize(front(client, requestUri)).then().statusCode(302)
                .header("Location", startsWith(TestTokens.ISSUER + "/login?req="));
    }

    // --- request objects (OpenID Connect Core §3.1.2.6) ---

    @Test
    void requestParameterIsRedirectedAsRequestNotSupported() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid", "request", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.");
        Map<String, String> cb = assertRedirectedError(new Browser().authorize(p), client, "request_not_supported");
        assertEquals(p.get("state"), cb.get("state"));
    }

    @Test
    void requestParameterWithAnUnregisteredRedirectUriIsAPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        assertErrorPage(new Browser().authorize(params(client, "openid", "request", "eyJhbGciOiJub25lIn0.e30.",
                "redirect_uri", "https://attacker.example/cb")));
    }

    @Test
    void requestUriNotFromParIsRedirectedAsRequestUriNotSupported() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Map<String, String> p = params(client, "openid", "request_uri", "https://app.example/request.jwt");
        Map<String, String> cb = assertRedirectedError(new Browser().authorize(p), client, "request_uri_not_supported");
        assertEquals(p.get("state"), cb.get("state"));
    }

    @Test
    void requestUriNotFromParWithAnUnregisteredRedirectUriIsAPage() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Response r = new Browser().authorize(params(client, "openid", "request_uri", "https://app.example/request.jwt",
                "redirect_uri", "https://attacker.example/cb"));
        assertErrorPage(r);
        r.then().body(not(containsString("request_uri_not_supported")));
    }

    @Test
    void takingARequestUriTwiceFindsItOnce() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        String requestUri = pushed(client, params(client, "openid"));
        Optional<Map<String, String>> first = pushedRequests.take(client.clientId(), requestUri).await().atMost(WAIT);
        Optional<Map<String, String>> second = pushedRequests.take(client.clientId(), requestUri).await().atMost(WAIT);
        assertTrue(first.isPresent());
        assertTrue(second.isEmpty());
    }
}
