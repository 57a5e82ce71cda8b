package io.keyfair.token.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** token-service's own OpenAPI document (/q/openapi), which /admin/openapi merges with the others. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OpenApiDocumentTest {

    @Test
    void documentIsTitledForTheServiceAndTypesTheTokenResponse() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("Keyfair token-service"))
                .body("paths.'/oauth/token'.post.responses.'200'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/TokenResponse"))
                .body("components.schemas.TokenResponse.properties", hasKey("access_token"))
                .body("paths.'/oauth/token'.post.responses.'401'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/ErrorBody"))
                .body("paths.'/oauth/token'.post.security.flatten()", hasItem(hasKey("basic")))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.securitySchemes.basic.scheme", equalTo("basic"));
    }
}
