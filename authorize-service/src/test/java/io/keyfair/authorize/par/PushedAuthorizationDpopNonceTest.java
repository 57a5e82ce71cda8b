package io.keyfair.authorize.par;

import static io.keyfair.authorize.TestRequests.params;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.DpopNoncesRequired;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestDpop;
import io.keyfair.common.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * RFC 9449 §8 at the PAR endpoint with `keyfair.dpop.nonce.required`: a proof sent with a push needs
 * the server's nonce as at the token endpoint; a push without a proof needs none.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(DpopNoncesRequired.class)
class PushedAuthorizationDpopNonceTest {

    private static final String PAR_URL = TestTokens.ISSUER + "/oauth/par";

    @Inject
    Pool pool;

    private static Response push(TestClients.Created client, String proof) {
        Map<String, String> form = new HashMap<>(params(client, "openid"));
        form.put("client_secret", client.secret());
        return given().contentType("application/x-www-form-urlencoded").header("DPoP", proof).formParams(form).post("/oauth/par");
    }

    @Test
    void aProofWithoutTheNonceIsSentBackForItAndAcceptedWithIt() {
        TestClients.Created client = TestClients.thirdParty().authMethod("client_secret_post").create(pool);
        TestDpop key = TestDpop.es256();
        Response refused = push(client, key.proof().htu(PAR_URL).build());
        refused.then().statusCode(400).header("Cache-Control", "no-store").body("error", equalTo("use_dpop_nonce"))
                .header("DPoP-Nonce", not(emptyOrNullString()));

        push(client, key.proof().htu(PAR_URL).nonce(refused.header("DPoP-Nonce")).build()).then().statusCode(201)
                .header("DPoP-Nonce", not(emptyOrNullString()));
    }

    @Test
    void aPushWithoutAProofNeedsNoNonce() {
        TestClients.Created client = TestClients.thirdParty().authMethod("client_secret_post").create(pool);
        Map<String, String> form = new HashMap<>(params(client, "openid"));
        form.put("client_secret", client.secret());
        given().contentType("application/x-www-form-urlencoded").formParams(form).post("/oauth/par").then().statusCode(201)
                .header("DPoP-Nonce", org.hamcrest.Matchers.nullValue());
    }
}
