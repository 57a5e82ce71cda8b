package io.keyfair.token.crypto;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Signature;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.keyfair.common.crypto.CryptoProvider;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class CryptoProviderTest {

    @Inject
    CryptoProvider crypto;

    @Test
    void onLinuxX8664TheNativeBackedProviderSignsTokens() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "ACCP ships for Linux x86_64 here");
        assertTrue(crypto.active().startsWith("AmazonCorrettoCryptoProvider"), crypto.active());
        assertEquals("AmazonCorrettoCryptoProvider", Signature.getInstance("SHA256withRSA").getProvider().getName());
        assertEquals("AmazonCorrettoCryptoProvider", Signature.getInstance("SHA256withECDSA").getProvider().getName());
    }

    @Test
    void theActiveProviderIsAMetric() {
        String name = crypto.active().split(" ")[0];
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("keyfair_crypto_provider{provider=\"" + crypto.active().split(" ")[0]))
                .body(containsString(name));
    }
}
