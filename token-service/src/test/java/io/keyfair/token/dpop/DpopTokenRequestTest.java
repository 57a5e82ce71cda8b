package io.keyfair.token.dpop;

import static io.keyfair.token.TokenCalls.code;
import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static io.keyfair.token.TokenCalls.tokenWithProof;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestDpop;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.token.TokenCalls.Pkce;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** RFC 9449 at the token endpoint: what a proof binds, and every way a proof is refused. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class DpopTokenRequestTest {

    private static final List<String> SCOPES = List.of("openid", "profile");

    @Inject
    Pool pool;

    @Inject
    AuthorizationCodes codes;

    private Created service() {
        return TestClients.confidential().create(pool);
    }

    private static Response clientCredentials(Created client, String proof) {
        return tokenWithProof(client, proof, "grant_type", "client_credentials");
    }

    private static String cnfJkt(Response r) throws ParseException {
        @SuppressWarnings("unchecked")
        Map<String, Object> cnf = (Map<String, Object>) SignedJWT.parse(r.<String>path("access_token")).getJWTClaimsSet().getClaim("cnf");
        return cnf == null ? null : (String) cnf.get("jkt");
    }

    private static void assertInvalidProof(Response r) {
        r.then().statusCode(400).header("Cache-Control", "no-store").body("error", equalTo("invalid_dpop_proof"))
                .body("access_token", nullValue());
    }

    // --- binding ------------------------------------------------------------------------------

    @Test
    void aValidProofGivesADpopTokenBoundToItsKey() throws Exception {
        TestDpop key = TestDpop.es256();
        Response r = clientCredentials(service(), key.forToken());
        r.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(key.jkt(), cnfJkt(r));
    }

    @Test
    void withoutAProofTheTokenStaysBearerAndUnbound() throws Exception {
        Response r = token(service(), "grant_type", "client_credentials");
        r.then().statusCode(200).body("token_type", equalTo("Bearer"));
        assertNull(cnfJkt(r));
    }

    @ParameterizedTest
    @ValueSource(strings = { "ES256", "RS256", "PS256", "EdDSA" })
    void everyAdvertisedKindOfKeyCanProve(String alg) throws Exception {
        TestDpop key = TestDpop.of(JWSAlgorithm.parse(alg));
        Response r = clientCredentials(service(), key.forToken());
        r.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(key.jkt(), cnfJkt(r));
    }

    @Test
    void discoveryListsTheProofAlgorithms() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("dpop_signing_alg_values_supported", hasItems("ES256", "RS256", "PS256", "EdDSA"));
    }

    @Test
    void introspectionOfABoundTokenShowsItsKeyAndTypeDpop() {
        TestDpop key = TestDpop.es256();
        Created client = service();
        String access = clientCredentials(client, key.forToken()).path("access_token");
        introspect(client, access).then().statusCode(200).body("active", equalTo(true))
                .body("token_type", equalTo("DPoP")).body("cnf.jkt", equalTo(key.jkt()));
    }

    // --- refusals -----------------------------------------------------------------------------

    @Test
    void aProofUsedTwiceIsRefusedTheSecondTime() {
        Created client = service();
        String proof = TestDpop.es256().forToken();
        clientCredentials(client, proof).then().statusCode(200);
        assertInvalidProof(clientCredentials(client, proof));
    }

    @Test
    void twoDpopHeadersAreRefused() {
        TestDpop key = TestDpop.es256();
        Created client = service();
        Response r = given().contentType("application/x-www-form-urlencoded").auth().preemptive().basic(client.clientId(), client.secret())
                .header("DPoP", key.forToken()).header("DPoP", key.forToken())
                .formParam("grant_type", "client_credentials").post("/oauth/token");
        assertInvalidProof(r);
    }

    static Stream<Arguments> badProofs() {
        return Stream.of(
                Arguments.of("typ JWT instead of dpop+jwt", (UnaryOperator<TestDpop.Proof>) p -> p.typ("JWT")),
                Arguments.of("no typ", (UnaryOperator<TestDpop.Proof>) p -> p.typ(null)),
                Arguments.of("alg none", (UnaryOperator<TestDpop.Proof>) p -> p.alg(new JWSAlgorithm("none"))),
                Arguments.of("alg HS256", (UnaryOperator<TestDpop.Proof>) p -> p.alg(JWSAlgorithm.HS256)),
                Arguments.of("alg ES384 on a P-256 key", (UnaryOperator<TestDpop.Proof>) p -> p.alg(JWSAlgorithm.ES384)),
                Arguments.of("the private key as jwk", (UnaryOperator<TestDpop.Proof>) TestDpop.Proof::privateJwk),
                Arguments.of("no jwk", (UnaryOperator<TestDpop.Proof>) p -> p.jwk(null)),
                Arguments.of("signed by another key than its jwk", (UnaryOperator<TestDpop.Proof>) p -> p.jwk(otherPublicJwk())),
                Arguments.of("htm GET", (UnaryOperator<TestDpop.Proof>) p -> p.htm("GET")),
                Arguments.of("no htm", (UnaryOperator<TestDpop.Proof>) p -> p.htm(null)),
                Arguments.of("htu the service's own port", (UnaryOperator<TestDpop.Proof>) p -> p.htu("http://localhost:8082/oauth/token")),
                Arguments.of("htu another endpoint", (UnaryOperator<TestDpop.Proof>) p -> p.htu(TestDpop.USERINFO_URL)),
                Arguments.of("no htu", (UnaryOperator<TestDpop.Proof>) p -> p.htu(null)),
                Arguments.of("iat 61 s old", (UnaryOperator<TestDpop.Proof>) p -> p.iatOffset(-61)),
                Arguments.of("iat 12 s ahead", (UnaryOperator<TestDpop.Proof>) p -> p.iatOffset(12)),
                Arguments.of("no jti", (UnaryOperator<TestDpop.Proof>) p -> p.jti(null)),
                Arguments.of("a jti of 257 characters", (UnaryOperator<TestDpop.Proof>) p -> p.jti("j".repeat(257))));
    }

    private static com.nimbusds.jose.jwk.JWK otherPublicJwk() {
        try {
            return com.nimbusds.jose.jwk.JWK.parse(SignedJWT.parse(TestDpop.es256().forToken()).getHeader().getJWK().toJSONObject());
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProofs")
    void aBadProofIsRefusedWithInvalidDpopProof(String why, UnaryOperator<TestDpop.Proof> spoil) {
        assertInvalidProof(clientCredentials(service(), spoil.apply(TestDpop.es256().proof()).build()));
    }

    @Test
    void aProofThatIsNotAJwtIsRefused() {
        assertInvalidProof(clientCredentials(service(), "not-a-jwt"));
    }

    static Stream<Arguments> acceptableProofs() {
        return Stream.of(
                Arguments.of("iat 9 s ahead", (UnaryOperator<TestDpop.Proof>) p -> p.iatOffset(9)),
                Arguments.of("iat 55 s old", (UnaryOperator<TestDpop.Proof>) p -> p.iatOffset(-55)),
                Arguments.of("htu with a query and a fragment", (UnaryOperator<TestDpop.Proof>) p -> p.htu(TestDpop.TOKEN_URL + "?a=b#c")),
                Arguments.of("htu with an upper-case scheme and host", (UnaryOperator<TestDpop.Proof>) p -> p.htu("HTTP://LOCALHOST:8080/oauth/token")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptableProofs")
    void aProofWithinTheRulesIsAccepted(String why, UnaryOperator<TestDpop.Proof> shape) {
        clientCredentials(service(), shape.apply(TestDpop.es256().proof()).build()).then().statusCode(200)
                .body("token_type", equalTo("DPoP"));
    }

    // --- dpop_bound_access_tokens (RFC 9449 §5.2) ----------------------------------------------

    @Test
    void aClientRegisteredForDpopIsRefusedWithoutAProof() {
        Created client = TestClients.confidential().dpopBoundAccessTokens().create(pool);
        assertInvalidProof(token(client, "grant_type", "client_credentials"));
    }

    @Test
    void aClientRegisteredForDpopGetsABoundTokenWithAProof() throws Exception {
        Created client = TestClients.confidential().dpopBoundAccessTokens().create(pool);
        TestDpop key = TestDpop.es256();
        clientCredentials(client, key.forToken()).then().statusCode(200).body("token_type", equalTo("DPoP"));
    }

    // --- codes bound by dpop_jkt (RFC 9449 §10) ----------------------------------------------

    private Response redeem(Created client, String code, Pkce pkce, String proof) {
        List<String> params = List.of("grant_type", "authorization_code", "code", code, "redirect_uri", TestClients.REDIRECT_URI,
                "code_verifier", pkce.verifier());
        return proof == null ? token(client, params.toArray(String[]::new)) : tokenWithProof(client, proof, params.toArray(String[]::new));
    }

    @Test
    void aCodeBoundToAKeyIsRedeemedWithAProofOfThatKey() throws Exception {
        Created client = TestClients.thirdParty().create(pool);
        String user = TestUsers.user().create(pool).id();
        TestDpop key = TestDpop.es256();
        Pkce pkce = Pkce.random();
        Response r = redeem(client, code(codes, client, user, SCOPES, null, pkce, key.jkt()), pkce, key.forToken());
        r.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(key.jkt(), cnfJkt(r));
    }

    @Test
    void aCodeBoundToAKeyIsRefusedWithoutAProof() {
        Created client = TestClients.thirdParty().create(pool);
        String user = TestUsers.user().create(pool).id();
        Pkce pkce = Pkce.random();
        assertInvalidProof(redeem(client, code(codes, client, user, SCOPES, null, pkce, TestDpop.es256().jkt()), pkce, null));
    }

    @Test
    void aCodeBoundToAKeyIsRefusedWithAProofOfAnotherKey() {
        Created client = TestClients.thirdParty().create(pool);
        String user = TestUsers.user().create(pool).id();
        Pkce pkce = Pkce.random();
        String code = code(codes, client, user, SCOPES, null, pkce, TestDpop.es256().jkt());
        redeem(client, code, pkce, TestDpop.es256().forToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        // the code was consumed by the attempt: a stolen code is burnt, not left for the thief to retry
        redeem(client, code, pkce, TestDpop.es256().forToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    // --- refresh tokens (RFC 9449 §5) ----------------------------------------------------------

    private record Grant(Created client, TestDpop key, Response tokens) {
        String refreshToken() {
            return tokens.path("refresh_token");
        }
    }

    private Grant dpopGrant(TestClients builder) {
        Created client = builder.create(pool);
        String user = TestUsers.user().create(pool).id();
        TestDpop key = TestDpop.es256();
        Pkce pkce = Pkce.random();
        Response tokens = redeem(client, code(codes, client, user, SCOPES, null, pkce), pkce, key.forToken());
        tokens.then().statusCode(200).body("token_type", equalTo("DPoP"));
        return new Grant(client, key, tokens);
    }

    private static Response refresh(Grant g, String proof) {
        return proof == null
                ? token(g.client(), "grant_type", "refresh_token", "refresh_token", g.refreshToken())
                : tokenWithProof(g.client(), proof, "grant_type", "refresh_token", "refresh_token", g.refreshToken());
    }

    private long liveTokensInFamilyOf(String refreshToken) {
        return pool.preparedQuery("""
                select count(*) as n from refresh_tokens where retired_at is null and family_id =
                  (select family_id from refresh_tokens where token_hash = $1)""")
                .execute(Tuple.of(Buffer.buffer(Secrets.sha256(refreshToken))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }

    @Test
    void aPublicClientsRefreshTokenNeedsAProofOfTheSameKey() throws Exception {
        Grant g = dpopGrant(TestClients.publicClient());
        Response next = refresh(g, g.key().forToken());
        next.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(g.key().jkt(), cnfJkt(next));
    }

    @Test
    void aPublicClientsBoundRefreshTokenIsRefusedWithoutAProofAndStaysUsable() {
        Grant g = dpopGrant(TestClients.publicClient());
        assertInvalidProof(refresh(g, null));
        assertEquals(1, liveTokensInFamilyOf(g.refreshToken()));
        refresh(g, g.key().forToken()).then().statusCode(200);
    }

    @Test
    void aPublicClientsBoundRefreshTokenIsRefusedWithAProofOfAnotherKeyAndStaysUsable() {
        Grant g = dpopGrant(TestClients.publicClient());
        refresh(g, TestDpop.es256().forToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        assertEquals(1, liveTokensInFamilyOf(g.refreshToken()));
        refresh(g, g.key().forToken()).then().statusCode(200);
    }

    @Test
    void aConfidentialClientsRefreshTokenIsNotBoundButANewProofBindsTheNewAccessToken() throws Exception {
        Grant g = dpopGrant(TestClients.thirdParty());
        Response bearer = refresh(g, null);
        bearer.then().statusCode(200).body("token_type", equalTo("Bearer"));
        TestDpop other = TestDpop.es256();
        Response bound = tokenWithProof(g.client(), other.forToken(), "grant_type", "refresh_token", "refresh_token",
                bearer.path("refresh_token"));
        bound.then().statusCode(200).body("token_type", equalTo("DPoP"));
        assertEquals(other.jkt(), cnfJkt(bound));
    }
}
