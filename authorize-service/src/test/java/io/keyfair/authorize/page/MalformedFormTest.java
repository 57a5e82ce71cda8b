package io.keyfair.authorize.page;

import static io.keyfair.authorize.TestRequests.params;
import static io.keyfair.common.testing.MalformedInput.assertNoInternals;
import static io.keyfair.common.testing.MalformedInput.assertPrompt;
import static io.keyfair.common.testing.MalformedInput.form;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.keyfair.authorize.Browser;
import io.keyfair.common.testing.MalformedInput;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Form bodies and queries the pages cannot decode get the HTML error page with 400 at once,
 * before any CSRF or session check: never a 500, never a connection left hanging.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MalformedFormTest {

    private static final String TITLE = "This request cannot be completed";
    /** Every path of this service that reads a form body. */
    private static final List<String> FORMS = List.of("/login", "/consent", "/logout", "/oauth/authorize",
            "/account/apps/0123456789abcdef0123456789abcdef/revoke");

    @Inject
    Pool pool;

    /** The first requests of a run load half the application; the one measured comes after a warm one. */
    @BeforeEach
    void warmUp() {
        form("a=b").post("/logout");
    }

    private static Stream<Arguments> badEscapes() {
        return FORMS.stream().flatMap(path -> MalformedInput.BAD_ESCAPES.stream().map(body -> Arguments.of(path, body)));
    }

    private static Stream<String> forms() {
        return FORMS.stream();
    }

    /** The error page: 400, HTML, its title and message, not framable, promptly, nothing internal. */
    private static void assertErrorPage(Response r, int status) {
        r.then().statusCode(status)
                .contentType(startsWith("text/html"))
                .header("X-Frame-Options", "DENY")
                .body(containsString(TITLE))
                .body(containsString(ErrorPage.MALFORMED_FORM.substring(0, 30)));
        assertPrompt(r);
        assertNoInternals(r);
    }

    @ParameterizedTest
    @MethodSource("badEscapes")
    void aPercentSignWithoutTwoHexDigitsGetsTheErrorPage(String path, String body) {
        assertErrorPage(form(body).post(path), 400);
    }

    @ParameterizedTest
    @MethodSource("forms")
    void escapedBytesThatAreNotUtf8GetTheErrorPage(String path) {
        assertErrorPage(form(MalformedInput.INVALID_UTF8).post(path), 400);
    }

    @ParameterizedTest
    @MethodSource("forms")
    void aParameterOver8KiBGetsTheErrorPage(String path) {
        assertErrorPage(form(MalformedInput.oversizedParameter()).post(path), 400);
    }

    @ParameterizedTest
    @MethodSource("forms")
    void aBodyOver64KiBIsRefusedAtOnce(String path) {
        Response r = form(MalformedInput.oversizedBody()).post(path);
        r.then().statusCode(anyOf(equalTo(400), equalTo(413)));
        assertPrompt(r);
        assertNoInternals(r);
    }

    /** With the session and the CSRF token the form needs, the body is still read first and refused. */
    @Test
    void aSignedInUsersMalformedRevokeGetsTheErrorPageAndKeepsTheConnection() {
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        browser.authorizeThrough(params(client, "openid"), TestUsers.user().create(pool), "approve");
        Response apps = browser.get("/account/apps");
        String csrf = Browser.hidden(apps.asString()).get("csrf");
        assertNotNull(csrf, "the apps page has a CSRF token");

        Response r = form("csrf=" + csrf + "&a=%zz").cookies(browser.cookies).header("Origin", Browser.ORIGIN)
                .post("/account/apps/" + client.clientId() + "/revoke");

        assertErrorPage(r, 400);
        assertTrue(browser.get("/account/apps").asString().contains(client.clientId()), "the app is still connected");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/oauth/authorize?client_id=%ff%fe%80", "/logout?state=%C3", "/account/apps?x=%ff",
            "/login?req=%C0%AF" })
    void aQueryThatIsNotUtf8GetsTheErrorPage(String pathAndQuery) {
        MalformedInput.RawResponse r = MalformedInput.rawGet(pathAndQuery);
        assertEquals(400, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("text/html"), r::toString);
        assertTrue(r.body().contains(TITLE), r::toString);
        MalformedInput.assertPrompt(r);
        MalformedInput.assertNoInternals(r);
    }

    /** Quarkus refuses a URI that java.net.URI cannot parse before any route: an empty 400, at once. */
    @ParameterizedTest
    @ValueSource(strings = { "/oauth/authorize?client_id=%zz", "/logout?state=%zz", "/account/apps?x=%4" })
    void aQueryWithABadEscapeIsRefusedBeforeAnyPage(String pathAndQuery) {
        MalformedInput.RawResponse r = MalformedInput.rawGet(pathAndQuery);
        assertEquals(400, r.status(), r::toString);
        MalformedInput.assertPrompt(r);
        MalformedInput.assertNoInternals(r);
    }

    @Test
    void theUsersAdminApiAnswersAMalformedQueryInJson() {
        MalformedInput.RawResponse r = MalformedInput.rawGet("/admin/users?q=%ff");
        assertEquals(400, r.status(), r::toString);
        assertTrue(r.header("Content-Type").startsWith("application/json"), r::toString);
        assertTrue(r.body().contains("\"error\":\"invalid_request\""), r::toString);
    }
}
