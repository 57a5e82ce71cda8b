package io.keyfair.token.jwks;

import static io.keyfair.token.TokenCalls.introspect;
import static io.keyfair.token.TokenCalls.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.keys.KeyFile;
import io.keyfair.common.keys.KeyRing;
import io.keyfair.common.keys.KeyRotation;
import io.keyfair.common.keys.SigningKeys;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A rotated key file reaches the running token-service without a restart: new tokens carry the new
 * `kid`, tokens signed before still introspect as active, the JWKS serves both; a pruned key stops
 * verifying; a broken file changes nothing. Each test puts the module's test key file back.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class KeyFileReloadTest {

    @Inject
    Pool pool;

    @Inject
    SigningKeys keys;

    private String original;
    private Created client;

    @BeforeEach
    void remember() throws Exception {
        original = Files.readString(TestDatabase.KEYS);
        client = TestClients.confidential().grantTypes("client_credentials").scope("profile").create(pool);
    }

    @AfterEach
    void restore() throws Exception {
        KeyFile.write(TestDatabase.KEYS, KeyRing.parse(original));
        keys.check();
    }

    private String accessToken() {
        return token(client, "grant_type", "client_credentials").then().statusCode(200).extract().path("access_token");
    }

    private static String kid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

    private static JWKSet jwks() throws Exception {
        return JWKSet.parse(given().get("/oauth/jwks").then().statusCode(200).extract().asString());
    }

    private static KeyRing promoted(KeyRing ring) {
        return KeyRotation.promote(KeyRotation.addNext(ring, JWSAlgorithm.RS256), JWSAlgorithm.RS256, Instant.now());
    }

    @Test
    void newTokensCarryThePromotedKidWithinTheReloadIntervalAndEarlierTokensStayActive() throws Exception {
        String before = accessToken();
        KeyRing rotated = promoted(KeyRing.parse(original));
        String newKid = rotated.active(JWSAlgorithm.RS256).orElseThrow().kid();

        KeyFile.write(TestDatabase.KEYS, rotated);

        // the watcher alone, every keyfair.keys.reload-interval (5 s)
        Awaitility.await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(250))
                .until(() -> kid(accessToken()).equals(newKid));
        introspect(client, before).then().statusCode(200).body("active", equalTo(true));
        JWKSet published = jwks();
        assertNotNull(published.getKeyByKeyId(kid(before)), "the retired key is still published");
        assertNotNull(published.getKeyByKeyId(newKid));
    }

    @Test
    void theJwksCarriesANextKeyBeforeItSigns() throws Exception {
        KeyRing withNext = KeyRotation.addNext(KeyRing.parse(original), JWSAlgorithm.ES256);
        String nextKid = withNext.entries().get(withNext.entries().size() - 1).kid();
        String signingKid = kid(accessToken());

        KeyFile.write(TestDatabase.KEYS, withNext);
        keys.check();

        assertNotNull(jwks().getKeyByKeyId(nextKid));
        assertEquals(signingKid, kid(accessToken()), "the next key does not sign yet");
    }

    @Test
    void aTokenOfAPrunedKeyIsNoLongerActive() throws Exception {
        String before = accessToken();
        KeyRing rotated = promoted(KeyRing.parse(original));
        KeyRing pruned = KeyRotation.prune(rotated, Duration.ZERO, Instant.now().plusSeconds(60), Optional.empty()).ring();

        KeyFile.write(TestDatabase.KEYS, pruned);
        keys.check();

        introspect(client, before).then().statusCode(200).body("active", equalTo(false));
        assertNull(jwks().getKeyByKeyId(kid(before)));
    }

    @Test
    void aBrokenKeyFileKeepsTheKeysInUse() throws Exception {
        String before = accessToken();
        String jwksBefore = given().get("/oauth/jwks").asString();

        Files.writeString(TestDatabase.KEYS, "{\"keys\": [");

        assertEquals(SigningKeys.Reload.REFUSED, keys.check());
        assertEquals(kid(before), kid(accessToken()));
        assertEquals(jwksBefore, given().get("/oauth/jwks").asString());
        introspect(client, before).then().statusCode(200).body("active", equalTo(true));
    }
}
