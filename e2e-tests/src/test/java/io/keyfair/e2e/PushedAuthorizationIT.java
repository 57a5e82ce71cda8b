package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;

/**
 * Pushed authorization requests through the ingress (CONTRACT "Sender-constrained tokens and
 * pushed authorization requests", RFC 9126): the app pushes its request to authorize-service's
 * `/oauth/par` with its secret, sends the browser with only `client_id` and `request_uri`, and gets
 * a code for the pushed request that token-service redeems; the `request_uri` works once and for
 * its own client only, and a client registered to require PAR cannot do without it.
 */
class PushedAuthorizationIT {

    private static final String SCOPE = "openid profile email";

    @BeforeAll
    static void stack() {
        Stack.ensureUp();
    }

    /** POST /oauth/par with client_secret_basic; returns the request_uri. */
    private static String push(Client client, Map<String, String> params) {
        return given().auth().preemptive().basic(client.id(), client.secret()).contentType("application/x-www-form-urlencoded")
                .formParams(params).post("/oauth/par")
                .then().statusCode(201).header("Cache-Control", "no-store")
                .body("request_uri", matchesPattern("urn:ietf:params:oauth:request_uri:[0-9a-f]{64}"))
                .body("expires_in", equalTo(60))
                .extract().path("request_uri");
    }

    private static Page front(Browser browser, Client client, String requestUri) {
        return browser.get(Flow.authorizeUri(Map.of("client_id", client.id(), "request_uri", requestUri)));
    }

    @Test
    void discoveryThroughTheIngressListsTheParEndpoint() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("pushed_authorization_request_endpoint", equalTo(Stack.ISSUER + "/oauth/par"))
                .body("require_pushed_authorization_requests", equalTo(false))
                .body("request_parameter_supported", equalTo(false));
    }

    @Test
    void pushedRequestLeadsTheBrowserToLoginAndItsCodeToTokens() {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        String[] pkce = Flow.pkce();
        Map<String, String> params = Flow.request(client, SCOPE, pkce[1], Map.of());
        String requestUri = push(client, params);

        Browser browser = new Browser();
        Page page = browser.follow(front(browser, client, requestUri), Fixtures.REDIRECT_URI);
        assertEquals(200, page.status(), page.body());
        assertNotNull(page.form("password"), "the login page: " + page.body());
        page = browser.follow(browser.submit(page.form("password"), Map.of("username", user.username(), "password", user.password())),
                Fixtures.REDIRECT_URI);
        assertNotNull(page.form("decision"), "the consent page: " + page.body());
        page = browser.follow(browser.submit(page.form("decision"), Map.of("decision", "approve")), Fixtures.REDIRECT_URI);
        Map<String, String> callback = Browser.query(page.location());
        assertEquals(params.get("state"), callback.get("state"));
        assertEquals(Stack.ISSUER, callback.get("iss"));

        Outcome o = new Outcome(true, true, page, callback, pkce[0], params.get("state"), params.get("nonce"));
        String granted = exchange(client, o).then().statusCode(200)
                .body("id_token", not(emptyOrNullString()))
                .extract().path("scope");
        assertEquals(Set.of(SCOPE.split(" ")), Set.of(granted.split(" ")), "the pushed scope was granted");
    }

    @Test
    void requestUriWorksOnce() {
        Client client = Fixtures.approved(Fixtures.metadata());
        String requestUri = push(client, Flow.request(client, SCOPE, Flow.pkce()[1], Map.of()));
        Page first = front(new Browser(), client, requestUri);
        assertTrue(first.location().toString().startsWith(Stack.ISSUER + "/login?"), "first use reaches the login: " + first.location());

        Page second = front(new Browser(), client, requestUri);
        assertTrue(second.location().toString().startsWith(Fixtures.REDIRECT_URI + "?"), "second use: " + second.location());
        assertEquals("invalid_request_uri", Browser.query(second.location()).get("error"));
    }

    @Test
    void requestUriIsBoundToTheClientThatPushedIt() {
        Client owner = Fixtures.approved(Fixtures.metadata());
        Client other = Fixtures.approved(Fixtures.metadata());
        String requestUri = push(owner, Flow.request(owner, SCOPE, Flow.pkce()[1], Map.of()));

        Page stolen = front(new Browser(), other, requestUri);
        Map<String, String> error = Browser.query(stolen.location());
        assertEquals("invalid_request_uri", error.get("error"));
        assertNull(error.get("code"));
        Page own = front(new Browser(), owner, requestUri);
        assertTrue(own.location().toString().startsWith(Stack.ISSUER + "/login?"), "the owner still can: " + own.location());
    }

    @Test
    void clientRegisteredToRequireParNeedsARequestUri() {
        Map<String, Object> metadata = Fixtures.metadata();
        metadata.put("require_pushed_authorization_requests", true);
        Client client = Fixtures.approved(metadata);
        Map<String, String> params = Flow.request(client, SCOPE, Flow.pkce()[1], Map.of());

        Page direct = new Browser().get(Flow.authorizeUri(params));
        assertEquals("invalid_request", Browser.query(direct.location()).get("error"));
        Page pushed = front(new Browser(), client, push(client, params));
        assertTrue(pushed.location().toString().startsWith(Stack.ISSUER + "/login?"), "with PAR: " + pushed.location());
    }

    @Test
    void wrongSecretAtParIsInvalidClient() {
        Client client = Fixtures.approved(Fixtures.metadata());
        given().auth().preemptive().basic(client.id(), "0".repeat(64)).contentType("application/x-www-form-urlencoded")
                .formParams(Flow.request(client, SCOPE, Flow.pkce()[1], Map.of())).post("/oauth/par")
                .then().statusCode(401).body("error", equalTo("invalid_client"))
                .header("WWW-Authenticate", matchesPattern("Basic.*"));
    }
}
