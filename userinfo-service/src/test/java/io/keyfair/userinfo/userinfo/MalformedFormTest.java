package io.keyfair.userinfo.userinfo;

import static io.keyfair.common.testing.MalformedInput.assertNoInternals;
import static io.keyfair.common.testing.MalformedInput.assertPrompt;
import static io.keyfair.common.testing.MalformedInput.form;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.MalformedInput;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A form body (RFC 6750 §2.2) or query the UserInfo endpoint cannot decode gets
 * `invalid_request` at once: never a 500, never a connection left hanging.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MalformedFormTest {

    /** The first requests of a run load half the application; the one measured comes after a warm one. */
    @BeforeEach
    void warmUp() {
        form("access_token=x").post("/oauth/userinfo");
    }

    /** RFC 6749 §5.2 `invalid_request`, `no-store`, promptly, with nothing internal in the body. */
    private static void assertInvalidRequest(Response r) {
        r.then().statusCode(400)
                .contentType(startsWith("application/json"))
                .header("Cache-Control", "no-store")
                .body("error", equalTo("invalid_request"))
                .body("error_description", not(emptyOrNullString()));
        assertPrompt(r);
        assertNoInternals(r);
    }

    @ParameterizedTest
    @FieldSource("io.keyfair.common.testing.MalformedInput#BAD_ESCAPES")
    void aPercentSignWithoutTwoHexDigitsGetsInvalidRequest(String body) {
        assertInvalidRequest(form(body).post("/oauth/userinfo"));
    }

    @Test
    void escapedBytesThatAreNotUtf8GetInvalidRequest() {
        assertInvalidRequest(form("access_token=%ff%fe%80").post("/oauth/userinfo"));
    }

    @Test
    void anAccessTokenOver8KiBGetsInvalidRequest() {
        assertInvalidRequest(form("access_token=" + "a".repeat(8 * 1024 + 1)).post("/oauth/userinfo"));
    }

    @Test
    void aBodyOver64KiBIsRefusedAtOnce() {
        Response r = form(MalformedInput.oversizedBody()).post("/oauth/userinfo");
        r.then().statusCode(anyOf(equalTo(400), equalTo(413)));
        assertPrompt(r);
        assertNoInternals(r);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/userinfo?x=%ff%fe%80", "/oauth/userinfo?%C3=1" })
    void aQueryThatIsNotUtf8GetsInvalidRequest(String pathAndQuery) {
        MalformedInput.RawResponse r = MalformedInput.rawGet(pathAndQuery);
        assertEquals(400, r.status(), r::toString);
        assertTrue(r.body().contains("\"error\":\"invalid_request\""), r::toString);
        MalformedInput.assertPrompt(r);
        MalformedInput.assertNoInternals(r);
    }

    /** Quarkus refuses a URI that java.net.URI cannot parse before any route: an empty 400, at once. */
    @Test
    void aQueryWithABadEscapeIsRefusedBeforeTheEndpoint() {
        MalformedInput.RawResponse r = MalformedInput.rawGet("/oauth/userinfo?x=%zz");
        assertEquals(400, r.status(), r::toString);
        MalformedInput.assertPrompt(r);
    }
}
