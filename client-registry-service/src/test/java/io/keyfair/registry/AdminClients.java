package io.keyfair.registry;

import static io.restassured.RestAssured.given;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The admin API's client endpoints as the metadata tests call them, each call with a fresh admin token. */
@ApplicationScoped
public class AdminClients {

    private final TokenSigner signer;

    AdminClients(TokenSigner signer) {
        this.signer = signer;
    }

    /** `POST /admin/clients` with this metadata, whatever it answers. */
    public ValidatableResponse create(Object metadata) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(metadata)
                .when().post("/admin/clients").then();
    }

    /** `PATCH /admin/clients/{id}`, whatever it answers. */
    public ValidatableResponse patch(String id, Object body) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType(ContentType.JSON).body(body)
                .when().patch("/admin/clients/" + id).then();
    }

    /** `GET /admin/clients/{id}`, which must answer 200. */
    public ValidatableResponse get(String id) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/clients/" + id).then().statusCode(200);
    }
}
