package io.keyfair.registry.openapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** `/admin/openapi`: one OpenAPI 3 document for the issuer, for admins only. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@QuarkusTestResource(OtherServiceDocuments.class)
class CombinedOpenApiTest {

    @Inject
    TokenSigner signer;

    @Inject
    ObjectMapper json;

    private JsonNode combined() throws Exception {
        String body = given().auth().oauth2(TestTokens.admin().sign(signer)).when().get("/admin/openapi")
                .then().statusCode(200).contentType(startsWith("application/json")).extract().asString();
        return json.readTree(body);
    }

    /** Follows a `#/components/...` reference. */
    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        String ref = schema.path("$ref").asText();
        if (ref.isEmpty()) {
            return schema;
        }
        JsonNode node = doc;
        for (String part : ref.substring(2).split("/")) {
            node = node.path(part);
        }
        assertFalse(node.isMissingNode(), "the reference resolves: " + ref);
        return node;
    }

    @Test
    void isOneOpenApi3DocumentForTheIssuer() throws Exception {
        JsonNode doc = combined();
        assertTrue(doc.path("openapi").asText().startsWith("3."), doc.path("openapi").asText());
        assertEquals("Keyfair", doc.path("info").path("title").asText());
        assertEquals("http://localhost:8080", doc.path("servers").path(0).path("url").asText());
        for (String path : List.of("/admin/clients", "/admin/clients/{id}", "/admin/scopes", "/admin/audit", "/oauth/register",
                "/oauth/token")) {
            assertTrue(doc.path("paths").has(path), "documents " + path);
        }
        assertFalse(doc.path("paths").has("/developers/apps"), "pages are not API");
        assertFalse(doc.path("paths").has("/console"), "pages are not API");
    }

    @Test
    void clientRegistrationHasTypedBodiesAnd201() throws Exception {
        JsonNode doc = combined();
        JsonNode post = doc.path("paths").path("/admin/clients").path("post");
        JsonNode request = resolve(doc, post.path("requestBody").path("content").path("application/json").path("schema"));
        assertTrue(request.path("properties").has("client_name") && request.path("properties").has("redirect_uris"),
                "the body is the client metadata: " + request);
        assertTrue(post.path("responses").has("201"), "201 on create: " + post.path("responses"));
        assertFalse(post.path("responses").has("200"), "no 200 on create");
        JsonNode created = resolve(doc, post.path("responses").path("201").path("content").path("application/json").path("schema"));
        assertTrue(created.toString().contains("client_secret") && created.toString().contains("client_id"),
                "the answer carries the client and its secret: " + created);
        JsonNode refused = resolve(doc, post.path("responses").path("400").path("content").path("application/json").path("schema"));
        assertEquals("string", refused.path("properties").path("error").path("type").asText(), refused.toString());
    }

    @Test
    void declaresBearerAndBasicAndWhichPathNeedsWhich() throws Exception {
        JsonNode doc = combined();
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertEquals("bearer", schemes.path("bearer").path("scheme").asText());
        assertEquals("http", schemes.path("bearer").path("type").asText());
        assertEquals("basic", schemes.path("basic").path("scheme").asText());
        assertTrue(doc.path("paths").path("/admin/clients").path("post").path("security").toString().contains("\"bearer\""));
        assertTrue(doc.path("paths").path("/admin/clients").path("post").path("responses").has("403"));
        assertTrue(doc.path("paths").path("/oauth/token").path("post").path("security").toString().contains("\"basic\""));
    }

    @Test
    void aSchemaTwoServicesDefineDifferentlyIsKeptApart() throws Exception {
        JsonNode doc = combined();
        JsonNode schemas = doc.path("components").path("schemas");
        assertTrue(schemas.has("token-service".replace('-', '_') + "_ErrorBody"), "renamed: " + fieldNames(schemas));
        assertEquals("#/components/schemas/token_service_ErrorBody", doc.path("paths").path("/oauth/token").path("post")
                .path("responses").path("400").path("content").path("application/json").path("schema").path("$ref").asText());
        assertFalse(schemas.path("ErrorBody").path("properties").has("x_token_only"), "the registry's own is untouched");
    }

    @Test
    void namesTheServicesWhoseDocumentCouldNotBeRead() throws Exception {
        JsonNode unavailable = combined().path("info").path("x-keyfair-unavailable");
        assertEquals(List.of("authorize-service", "userinfo-service"), texts(unavailable));
    }

    @Test
    void withoutATokenGets401() {
        given().when().get("/admin/openapi").then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void withoutTheAdminScopeGets403InsufficientScope() {
        given().auth().oauth2(TestTokens.forClient().scope("profile").sign(signer)).when().get("/admin/openapi")
                .then().statusCode(403).body("error", equalTo("insufficient_scope"))
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
