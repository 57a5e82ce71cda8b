package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Calls.userinfo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/**
 * The issuer over https, as `deploy/local/up` serves it with KEYFAIR_TLS=1 (nginx on :8443 with a
 * certificate of a local CA the tests trust). The e2e module's "https" execution runs this class
 * alone with KEYFAIR_TLS=1, before the other tests run over http; anywhere else it is skipped.
 */
class HttpsCodeFlowIT {

    private static final String SCOPE = "openid profile email";

    @BeforeAll
    static void stack() {
        assumeTrue(Stack.ISSUER.startsWith("https://"), "needs the stack started with KEYFAIR_TLS=1");
        Stack.ensureUp();
    }

    @Test
    void discoveryNamesTheHttpsIssuerAndHttpsEndpoints() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", equalTo(Stack.ISSUER))
                .body("authorization_endpoint", equalTo(Stack.ISSUER + "/oauth/authorize"))
                .body("token_endpoint", equalTo(Stack.ISSUER + "/oauth/token"))
                .body("jwks_uri", startsWith("https://"));
    }

    @Test
    void sellerLinksAnAppOverHttpsWithHostOnlySecureCookies() throws Exception {
        Client client = Fixtures.approved(Fixtures.metadata());
        User user = Fixtures.user();
        Browser browser = new Browser();
        Outcome o = Flow.authorize(browser, client, user, SCOPE, "approve", Map.of());
        assertNotNull(o.code(), "a code at the redirect URI");
        assertEquals(Stack.ISSUER, o.callback().get("iss"));

        String session = browser.setCookieHeaders().stream().filter(c -> c.startsWith("__Host-kf_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no __Host-kf_session cookie in " + browser.setCookieHeaders()));
        assertTrue(session.contains("; Secure"), session);
        assertTrue(session.contains("; Path=/"), session);
        assertTrue(!session.toLowerCase().contains("domain="), session);
        assertTrue(browser.setCookieHeaders().stream().noneMatch(c -> c.startsWith("kf_session=")), "no plain session cookie");

        Response tokens = exchange(client, o);
        tokens.then().statusCode(200).header("Strict-Transport-Security", startsWith("max-age="));
        assertEquals(Stack.ISSUER, SignedJWT.parse(tokens.path("id_token")).getJWTClaimsSet().getIssuer());
        assertEquals(Stack.ISSUER, SignedJWT.parse(tokens.path("access_token")).getJWTClaimsSet().getIssuer());
        userinfo(tokens.path("access_token")).then().statusCode(200).body("sub", equalTo(user.id()));
    }

    @Test
    void pagesOverHttpsCarryHsts() {
        Page login = new Browser().get(Flow.authorizeUri(Flow.request(Fixtures.approved(Fixtures.metadata()), SCOPE,
                Flow.pkce()[1], Map.of())));
        String hsts = login.header("Strict-Transport-Security");
        assertNotNull(hsts, "HSTS on " + login.uri());
        assertTrue(hsts.matches("max-age=\\d+"), hsts);
    }

    @Test
    void plainHttpIsRedirectedToTheHttpsIssuerKeepingTheRequest() throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:8080/.well-known/openid-configuration?x=1")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(308, r.statusCode());
        assertEquals(List.of(Stack.ISSUER + "/.well-known/openid-configuration?x=1"), r.headers().allValues("location"));
        assertTrue(r.headers().firstValue("strict-transport-security").isEmpty(), "never HSTS over http");
    }

    @Test
    void clientThatDoesNotTrustTheLocalCaIsRefused() throws Exception {
        HttpClient jdkDefaults = HttpClient.newHttpClient();
        try {
            jdkDefaults.send(HttpRequest.newBuilder(URI.create(Stack.ISSUER + "/oauth/jwks")).build(),
                    HttpResponse.BodyHandlers.discarding());
            throw new AssertionError("the local certificate was accepted without its CA");
        } catch (SSLHandshakeException expected) {
            // the certificate is checked: only the CA the tests load makes it trusted
        }
    }

    @Test
    void developerPortalSignsInThroughTheHttpsIssuer() {
        // client-registry-service's sign-in calls the issuer over https: it must trust the local CA
        User user = Fixtures.user();
        Browser browser = new Browser();
        Page login = browser.follow(browser.get(URI.create(Stack.ISSUER + "/developers/apps")), "nowhere:");
        assertNotNull(login.form("password"), "Keyfair's login page: " + login.status() + " " + login.uri());
        Page apps = browser.follow(browser.submit(login.form("password"),
                Map.of("username", user.username(), "password", user.password())), "nowhere:");
        assertEquals(200, apps.status(), apps.body());
        assertEquals(URI.create(Stack.ISSUER + "/developers/apps"), apps.uri());
        assertNull(apps.form("decision"));
    }
}
