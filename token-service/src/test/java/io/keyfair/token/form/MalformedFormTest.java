package io.keyfair.token.form;

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

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.common.testing.MalformedInput;
import io.keyfair.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Form bodies the token, revocation and introspection endpoints cannot decode get an RFC 6749
 * §5.2 `invalid_request` at once: never a 500, never a connection left hanging.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MalformedFormTest {

    /** The first requests of a run load half the application; the one measured comes after a warm one. */
    @BeforeEach
    void warmUp() {
        form("token=x").post("/oauth/revoke");
    }

    private static Stream<Arguments> badEscapes() {
        return Stream.of("/oauth/token", "/oauth/revoke", "/oauth/introspect")
                .flatMap(path -> MalformedInput.BAD_ESCAPES.stream().map(body -> Arguments.of(path, body)));
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
    @MethodSource("badEscapes")
    void aPercentSignWithoutTwoHexDigitsGetsInvalidRequest(String path, String body) {
        assertInvalidRequest(form(body).post(path));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/token", "/oauth/revoke", "/oauth/introspect" })
    void escapedBytesThatAreNotUtf8GetInvalidRequest(String path) {
        assertInvalidRequest(form(MalformedInput.INVALID_UTF8).post(path));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/token", "/oauth/revoke", "/oauth/introspect" })
    void aParameterOver8KiBGetsInvalidRequest(String path) {
        assertInvalidRequest(form(MalformedInput.oversizedParameter()).post(path));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/token", "/oauth/revoke", "/oauth/introspect" })
    void aBodyOver64KiBIsRefusedAtOnce(String path) {
        Response r = form(MalformedInput.oversizedBody()).post(path);
        r.then().statusCode(anyOf(equalTo(400), equalTo(413)));
        assertPrompt(r);
        assertNoInternals(r);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/token", "/oauth/revoke", "/oauth/introspect" })
    void aChunkedBodyOver64KiBIsRefusedAtOnce(String path) {
        MalformedInput.RawResponse r = MalformedInput.rawChunkedForm(path, MalformedInput.oversizedBody());
        assertTrue(r.status() == 400 || r.status() == 413, r::toString);
        assertPrompt(r);
        assertNoInternals(r);
    }

    /** Quarkus refuses a URI that java.net.URI cannot parse before any route: an empty 400, at once. */
    @ParameterizedTest
    @ValueSource(strings = { "/.well-known/openid-configuration?x=%zz", "/oauth/jwks?x=%4", "/oauth/token?x=%" })
    void aQueryWithABadEscapeIsRefusedBeforeAnyEndpoint(String pathAndQuery) {
        MalformedInput.RawResponse r = MalformedInput.rawGet(pathAndQuery);
        assertEquals(400, r.status(), r::toString);
        assertPrompt(r);
        assertNoInternals(r);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/.well-known/openid-configuration?x=%ff%fe%80", "/oauth/jwks?%C3=1" })
    void aQueryThatIsNotUtf8GetsInvalidRequest(String pathAndQuery) {
        MalformedInput.RawResponse r = MalformedInput.rawGet(pathAndQuery);
        assertEquals(400, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("application/json"), r::toString);
        assertTrue(r.body().contains("\"error\":\"invalid_request\""), r::toString);
        assertPrompt(r);
        assertNoInternals(r);
    }
}
