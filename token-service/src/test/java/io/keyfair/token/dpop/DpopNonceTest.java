package io.keyfair.token.dpop;

import static io.keyfair.token.TokenCalls.tokenWithProof;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestClients.Created;
import io.keyfair.common.testing.DpopNoncesRequired;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestDpop;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** RFC 9449 §8 with `keyfair.dpop.nonce.required`: a proof without the server's nonce is sent back for one. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(DpopNoncesRequired.class)
class DpopNonceTest {

    @Inject
    Pool pool;

    private static Response clientCredentials(Created client, String proof) {
        return tokenWithProof(client, proof, "grant_type", "client_credentials");
    }

    @Test
    void aProofWithoutANonceGetsUseDpopNonceAndTheNonce() {
        Response r = clientCredentials(TestClients.confidential().create(pool), TestDpop.es256().forToken());
        r.then().statusCode(400).header("Cache-Control", "no-store").body("error", equalTo("use_dpop_nonce"))
                .header("DPoP-Nonce", not(emptyOrNullString()));
    }

    @Test
    void aProofWithTheGivenNonceGetsABoundTokenAndTheNextNonce() {
        Created client = TestClients.confidential().create(pool);
        TestDpop key = TestDpop.es256();
        String nonce = clientCredentials(client, key.forToken()).header("DPoP-Nonce");
        clientCredentials(client, key.proof().nonce(nonce).build()).then().statusCode(200)
                .body("token_type", equalTo("DPoP")).header("DPoP-Nonce", not(emptyOrNullString()));
    }

    @Test
    void aProofWithAMadeUpNonceGetsUseDpopNonce() {
        Response r = clientCredentials(TestClients.confidential().create(pool), TestDpop.es256().proof().nonce("made-up").build());
        r.then().statusCode(400).body("error", equalTo("use_dpop_nonce")).header("DPoP-Nonce", not(emptyOrNullString()));
    }

    @Test
    void aBearerRequestNeedsNoNonce() {
        Created client = TestClients.confidential().create(pool);
        io.keyfair.token.TokenCalls.token(client, "grant_type", "client_credentials").then().statusCode(200)
                .body("token_type", equalTo("Bearer"));
    }
}
