package io.keyfair.token.clientauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * `private_key_jwt` (RFC 7523, CONTRACT "Sender-constrained tokens"): a client registered with
 * its public keys authenticates with an assertion signed by one of them, at every endpoint that
 * authenticates clients; each rule of the assertion refuses what breaks it with 401
 * `invalid_client`, and the precise reason is audited.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class PrivateKeyJwtTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ISSUER = "http://localhost:8080";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static RSAKey rsa;
    private static ECKey ec;
    private static RSAKey stranger;
    private static HttpServer jwksServer;
    private static final AtomicReference<String> published = new AtomicReference<>();

    @Inject
    Pool pool;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        // answers that never end: without end as fast as the connection takes it, a byte every
        // 200 ms, and a length far over the limit; each stops when the other side hangs up
        jwksServer.createContext("/endless", exchange -> writeUntilClosed(exchange, 0, 16_384, 0));
        jwksServer.createContext("/trickle", exchange -> writeUntilClosed(exchange, 0, 1, 200));
        jwksServer.createContext("/huge", exchange -> writeUntilClosed(exchange, 100_000_000, 16_384, 0));
        jwksServer.setExecutor(Executors.newCachedThreadPool());
        jwksServer.start();
    }

    /** Bytes written by an endless answer before its reader hung up, or -1 while it is still being read. */
    private static final Map<String, AtomicLong> endlessWritten = new ConcurrentHashMap<>();

    private static void writeUntilClosed(com.sun.net.httpserver.HttpExchange exchange, long declaredLength, int chunk, long pauseMillis)
            throws IOException {
        AtomicLong written = endlessWritten.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicLong());
        written.set(-1);
        long total = 0;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        exchange.sendResponseHeaders(200, declaredLength);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write('{');
            byte[] bytes = new byte[chunk];
            java.util.Arrays.fill(bytes, (byte) ' ');
            while (System.nanoTime() < until) {
                out.write(bytes);
                out.flush();
                total += chunk;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the reader hung up
        } finally {
            written.set(total);
            exchange.close();
        }
    }

    @AfterAll
    static void stop() {
        jwksServer.stop(0);
    }

    private static String publicSet(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private Created client() {
        return TestClients.confidential().privateKeyJwt(publicSet(rsa, ec)).introspectionAllowed().create(pool);
    }

    /** A valid assertion for the client, signed RS256 by its key, changed by {@code change}. */
    private static String assertion(String clientId, JWK key, JWSAlgorithm alg, Consumer<JWTClaimsSet.Builder> change)
            throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(ISSUER)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).jwtID(UUID.randomUUID().toString());
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.build());
        JWSSigner signer = key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String assertion(String clientId) throws JOSEException {
        return assertion(clientId, rsa, JWSAlgorithm.RS256, c -> { });
    }

    private static RequestSpecification tokenRequest(String assertion) {
        return given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", JWT_BEARER).formParam("client_assertion", assertion);
    }

    private static void assertInvalidClient(Response r) {
        r.then().statusCode(401).header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("Client authentication failed"));
    }

    private String auditedReason(String clientId) {
        return Awaitility.await().atMost(WAIT).until(() -> {
            var rows = pool.preparedQuery("select detail->>'reason' as reason from audit_events"
                    + " where type = 'client_auth.failed' and client_id = $1").execute(Tuple.of(clientId)).await().atMost(WAIT);
            return rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("reason"));
        }, Optional::isPresent).get();
    }

    @Test
    void clientCredentialsWithAnRs256AssertionGetsATokenForTheClient() throws Exception {
        Created client = client();
        String token = tokenRequest(assertion(client.clientId())).post("/oauth/token")
                .then().statusCode(200).body("token_type", equalTo("Bearer"))
                .extract().path("access_token");
        assertEquals(client.clientId(), SignedJWT.parse(token).getJWTClaimsSet().getSubject());
    }

    @Test
    void anEs256AssertionAddressedToTheTokenEndpointWorksWithClientIdSentToo() throws Exception {
        Created client = client();
        String assertion = assertion(client.clientId(), ec, JWSAlgorithm.ES256, c -> c.audience(ISSUER + "/oauth/token"));
        tokenRequest(assertion).formParam("client_id", client.clientId()).post("/oauth/token")
                .then().statusCode(200).body("access_token", notNullValue());
    }

    @Test
    void anAssertionIsSpentByItsFirstUse() throws Exception {
        Created client = client();
        String assertion = assertion(client.clientId());
        tokenRequest(assertion).post("/oauth/token").then().statusCode(200);
        assertInvalidClient(tokenRequest(assertion).post("/oauth/token"));
        assertEquals("assertion_replayed", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionSignedByAKeyTheClientDidNotRegisterIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), stranger, JWSAlgorithm.RS256, c -> { }))
                .post("/oauth/token"));
        assertEquals("assertion_signature", auditedReason(client.clientId()));
    }

    @Test
    void aSharedSecretAssertionIsRefused() throws Exception {
        Created client = client();
        SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer(client.clientId())
                .subject(client.clientId()).audience(ISSUER).expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString()).build());
        hs.sign(new MACSigner(new byte[32]));
        assertInvalidClient(tokenRequest(hs.serialize()).post("/oauth/token"));
        assertEquals("assertion_alg", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionForAnotherAudienceIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256,
                c -> c.audience("https://other-server.example"))).post("/oauth/token"));
        assertEquals("assertion_audience", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionValidForMoreThanFiveMinutesIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256,
                c -> c.expirationTime(Date.from(Instant.now().plusSeconds(600))))).post("/oauth/token"));
        assertEquals("assertion_expiry", auditedReason(client.clientId()));
    }

    @Test
    void anExpiredAssertionIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256,
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(30))))).post("/oauth/token"));
        assertEquals("assertion_expired", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionWithoutJtiIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256, c -> c.jwtID(null)))
                .post("/oauth/token"));
        assertEquals("assertion_jti", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionWhoseIssuerIsNotTheClientIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256, c -> c.issuer("someone-else")))
                .post("/oauth/token"));
        assertEquals("assertion_issuer", auditedReason(client.clientId()));
    }

    @Test
    void aClientWithASecretCannotAuthenticateWithAnAssertion() throws Exception {
        Created client = TestClients.confidential().create(pool);
        assertInvalidClient(tokenRequest(assertion(client.clientId())).post("/oauth/token"));
        assertEquals("auth_method_mismatch", auditedReason(client.clientId()));
    }

    @Test
    void anAssertionWithAWrongTypeOrTogetherWithASecretIsInvalidRequest() throws Exception {
        Created client = client();
        tokenRequest(assertion(client.clientId())).formParam("client_assertion_type", "urn:other").post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        tokenRequest(assertion(client.clientId())).formParam("client_secret", "x").post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        tokenRequest(assertion(client.clientId())).auth().preemptive().basic(client.clientId(), "x").post("/oauth/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void aClientIdThatIsNotTheAssertionsSubjectIsRefused() throws Exception {
        Created client = client();
        assertInvalidClient(tokenRequest(assertion(client.clientId())).formParam("client_id", TestClients.confidential()
                .create(pool).clientId()).post("/oauth/token"));
    }

    @Test
    void keysPublishedAtTheClientsJwksUriAreFetched() throws Exception {
        published.set(publicSet(ec));
        Created client = TestClients.confidential()
                .privateKeyJwtAt("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks").create(pool);
        tokenRequest(assertion(client.clientId(), ec, JWSAlgorithm.ES256, c -> { })).post("/oauth/token")
                .then().statusCode(200).body("access_token", notNullValue());
        assertInvalidClient(tokenRequest(assertion(client.clientId(), rsa, JWSAlgorithm.RS256, c -> { })).post("/oauth/token"));
    }

    @Test
    void aJwksUriThatDoesNotAnswerFailsAuthentication() throws Exception {
        Created client = TestClients.confidential().privateKeyJwtAt("http://127.0.0.1:9/jwks").create(pool);
        assertInvalidClient(tokenRequest(assertion(client.clientId())).post("/oauth/token"));
        assertEquals("jwks_unavailable", auditedReason(client.clientId()));
    }

    @Test
    void aJwksUriThatAnswersWithoutEndOrByTheByteIsGivenUpOnWithinItsLimits() throws Exception {
        String base = "http://127.0.0.1:" + jwksServer.getAddress().getPort();
        for (String path : List.of("/endless", "/trickle", "/huge")) {
            Created client = TestClients.confidential().privateKeyJwtAt(base + path).create(pool);
            String assertion = assertion(client.clientId());
            Response r = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> tokenRequest(assertion).post("/oauth/token"), path);
            assertInvalidClient(r);
            assertEquals("jwks_unavailable", auditedReason(client.clientId()), path);
            // the connection was closed on the server: it stopped writing, well short of what it would have sent
            long written = Awaitility.await().atMost(WAIT).until(() -> endlessWritten.get(path).get(), n -> n >= 0);
            assertTrue(written < 32_000_000, path + " wrote " + written + " bytes before it was cut off");
        }
    }

    @Test
    void assertionsAuthenticateAtIntrospectionAndRevocationToo() throws Exception {
        Created client = client();
        String token = tokenRequest(assertion(client.clientId())).post("/oauth/token").then().statusCode(200)
                .extract().path("access_token");
        given().contentType("application/x-www-form-urlencoded").formParam("token", token)
                .formParam("client_assertion_type", JWT_BEARER).formParam("client_assertion", assertion(client.clientId()))
                .post("/oauth/introspect")
                .then().statusCode(200).body("active", equalTo(true)).body("client_id", equalTo(client.clientId()));
        given().contentType("application/x-www-form-urlencoded").formParam("token", token)
                .formParam("client_assertion_type", JWT_BEARER).formParam("client_assertion", assertion(client.clientId()))
                .post("/oauth/revoke")
                .then().statusCode(200);
        given().contentType("application/x-www-form-urlencoded").formParam("token", token)
                .formParam("client_assertion_type", JWT_BEARER).formParam("client_assertion", assertion(client.clientId()))
                .post("/oauth/introspect")
                .then().statusCode(200).body("active", equalTo(false));
    }

    @Test
    void discoveryListsPrivateKeyJwtWithAsymmetricAlgorithms() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("token_endpoint_auth_methods_supported", org.hamcrest.Matchers.hasItem("private_key_jwt"))
                .body("token_endpoint_auth_signing_alg_values_supported", org.hamcrest.Matchers.hasItems("RS256", "ES256", "PS256"))
                .body("token_endpoint_auth_signing_alg_values_supported", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(startsWith("HS"))));
    }
}
