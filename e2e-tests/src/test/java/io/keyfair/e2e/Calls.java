package io.keyfair.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/** What an app sends after the browser flow: the token, userinfo and introspection calls. */
public final class Calls {

    private Calls() {
    }

    /** The code of an authorization exchanged with its PKCE verifier (client_secret_basic). */
    public static Response exchange(Client client, Outcome o) {
        return given().auth().preemptive().basic(client.id(), client.secret()).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "authorization_code").formParam("code", o.code())
                .formParam("redirect_uri", Fixtures.REDIRECT_URI).formParam("code_verifier", o.verifier())
                .post("/oauth/token");
    }

    public static Response refresh(Client client, String refreshToken) {
        return given().auth().preemptive().basic(client.id(), client.secret()).contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "refresh_token").formParam("refresh_token", refreshToken).post("/oauth/token");
    }

    public static Response userinfo(String accessToken) {
        return given().auth().oauth2(accessToken).get("/oauth/userinfo");
    }

    /** Introspection by the bootstrap admin client, which may introspect any token. */
    public static Response introspectAsAdmin(String token) {
        return given().auth().preemptive().basic(Stack.ADMIN_ID, Stack.ADMIN_SECRET).contentType("application/x-www-form-urlencoded")
                .formParam("token", token).post("/oauth/introspect");
    }

    /** The revoke form of one app on the account page. */
    public static Form revokeForm(Page apps, String clientId) {
        Matcher m = Pattern.compile("<form\\b([^>]*action=\"[^\"]*" + clientId + "/revoke\"[^>]*)>(.*?)</form>", Pattern.DOTALL)
                .matcher(apps.body());
        assertTrue(m.find(), "a revoke form for the app");
        return Form.parse(apps.uri(), m.group(1), m.group(2));
    }
}
