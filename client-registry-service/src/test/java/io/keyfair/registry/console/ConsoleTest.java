package io.keyfair.registry.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.registry.Registrations;
import io.keyfair.registry.TestRows;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The operator console's role rules and actions, signed in through the tests' {@link TestSignIn}:
 * operators act (audited `operator:<user id>`, the same effects as the admin API), support users
 * read only, anyone else gets 403, and a form without its CSRF token is refused.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ConsoleTest {

    private static final String CSRF_COOKIE = "kf_portal_csrf";

    @Inject
    Pool pool;

    @Inject
    TokenSigner signer;

    private String admin() {
        return TestTokens.admin().sign(signer);
    }

    private String userWithRoles(String roles) {
        return TestUsers.user().roles(roles).create(pool).id();
    }

    private String pendingApp() {
        return Registrations.register(admin(), Registrations.confidential()).id();
    }

    /** A CSRF token the console handed this user, sent back as cookie and form field. */
    private RequestSpecification form(String user) {
        Response page = given().header(TestSignIn.HEADER, user).when().get("/console");
        String token = page.getCookie(CSRF_COOKIE);
        assertNotNull(token, "the console sets its CSRF cookie");
        return given().header(TestSignIn.HEADER, user).cookie(CSRF_COOKIE, token).formParam("csrf", token).redirects().follow(false);
    }

    @Test
    void theQueueShowsPendingAppsWithTheirActionsToAnOperator() {
        String operator = userWithRoles("operator");
        String app = pendingApp();

        // the newest pending app is on the queue's last page (oldest first, 50 a page)
        Response page = given().header(TestSignIn.HEADER, operator).when().get("/console");
        for (String next = nextLink(page.asString()); next != null; next = nextLink(page.asString())) {
            page = given().header(TestSignIn.HEADER, operator).urlEncodingEnabled(false).when().get(next);
        }
        page.then().statusCode(200)
                .header("X-Frame-Options", "DENY")
                .body(containsString("<a class=\"brand\" href=\"/console\">Keyfair <span>Console</span></a>"))
                .body(containsString("Keyfair Marketplace · operator console"))
                .body(containsString(app))
                .body(containsString("/console/apps/" + app + "/approve"));
    }

    @Test
    void theAppSearchShowsFiftyAppsAPageWithANextLinkThatKeepsTheFilters() throws Exception {
        String support = userWithRoles("support");
        String tag = "Paged " + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 51; i++) {
            Registrations.register(admin(), Registrations.with(Registrations.confidential(), "client_name", tag + " " + i));
        }

        Response first = given().header(TestSignIn.HEADER, support).queryParam("q", tag).queryParam("status", "pending")
                .when().get("/console/apps");
        first.then().statusCode(200);
        assertEquals(50, count(first.asString(), "data-client-id="));
        String next = nextLink(first.asString());
        assertNotNull(next, "a next link");

        Response second = given().header(TestSignIn.HEADER, support).urlEncodingEnabled(false).when().get(next);
        second.then().statusCode(200).body(containsString(tag + " 0")).body(not(containsString("rel=\"next\"")));
        assertEquals(1, count(second.asString(), "data-client-id="));
        // out of the review queue the other tests read
        TestRows.execute("update clients set status = 'rejected' where client_name like ?", tag + " %");
    }

    @Test
    void theUserSearchFindsByEmailAndPagesOn() {
        String support = userWithRoles("support");
        String domain = UUID.randomUUID().toString().substring(0, 8) + ".example.org";
        for (int i = 0; i < 51; i++) {
            TestUsers.user().email("seller" + i + "@" + domain).create(pool);
        }

        Response first = given().header(TestSignIn.HEADER, support).queryParam("q", domain).when().get("/console/users");
        first.then().statusCode(200);
        assertEquals(50, count(first.asString(), "/console/users/"));
        Response second = given().header(TestSignIn.HEADER, support).urlEncodingEnabled(false).when().get(nextLink(first.asString()));
        assertEquals(1, count(second.asString(), "/console/users/"));
    }

    private static int count(String html, String marker) {
        return html.split(java.util.regex.Pattern.quote(marker), -1).length - 1;
    }

    private static String nextLink(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<a href=\"([^\"]+)\" rel=\"next\">").matcher(html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    @Test
    void anOperatorRejectsWithANoteAuditedAsTheOperator() throws Exception {
        String operator = userWithRoles("operator");
        String app = pendingApp();

        form(operator).formParam("note", "The redirect URI is not yours").formParam("from", "queue")
                .when().post("/console/apps/" + app + "/reject")
                .then().statusCode(303).header("Location", containsString("/console"));

        given().auth().oauth2(admin()).when().get("/admin/clients/" + app)
                .then().statusCode(200).body("status", equalTo("rejected")).body("status_note", equalTo("The redirect URI is not yours"));
        assertEquals(List.of("operator:" + operator), TestRows.auditActors("client.rejected", app));
    }

    @Test
    void aRejectWithoutANoteIsRefusedAndChangesNothing() {
        String operator = userWithRoles("operator");
        String app = pendingApp();

        form(operator).when().post("/console/apps/" + app + "/reject").then().statusCode(400);

        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("status", equalTo("pending"));
    }

    @Test
    void anOperatorApprovesThenSuspendsAndReinstates() throws Exception {
        String operator = userWithRoles("operator support");
        String app = pendingApp();

        form(operator).when().post("/console/apps/" + app + "/approve").then().statusCode(303);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("status", equalTo("approved"));
        assertEquals(List.of("operator:" + operator), TestRows.auditActors("client.approved", app));

        form(operator).formParam("note", "Scraping listings").when().post("/console/apps/" + app + "/suspend").then().statusCode(303);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app)
                .then().body("status", equalTo("suspended")).body("status_note", equalTo("Scraping listings"));
        given().header(TestSignIn.HEADER, operator).when().get("/console/apps/" + app)
                .then().statusCode(200).body(containsString("Scraping listings")).body(containsString("client.suspended"));

        form(operator).when().post("/console/apps/" + app + "/approve").then().statusCode(303);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("status", equalTo("approved"));
    }

    @Test
    void supportSeesEveryPageWithoutButtonsAndCannotPost() {
        String support = userWithRoles("support");
        String app = pendingApp();

        for (String path : List.of("/console", "/console/apps?q=" + app, "/console/apps/" + app, "/console/users?q=x",
                "/console/users/" + support, "/console/audit?client_id=" + app)) {
            given().header(TestSignIn.HEADER, support).when().get(path)
                    .then().statusCode(200).body(not(containsString("/approve"))).body(not(containsString("name=\"csrf\"")));
        }
        form(support).formParam("note", "no").when().post("/console/apps/" + app + "/reject").then().statusCode(403);
        form(support).when().post("/console/apps/" + app + "/approve").then().statusCode(403);

        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("status", equalTo("pending"));
    }

    @Test
    void theAuditLogNamesWhoActedAsTheAdminApiDoes() {
        String operator = userWithRoles("operator");
        String app = pendingApp();
        String shown = given().header(TestSignIn.HEADER, operator).when().get("/console/audit?client_id=" + app)
                .then().statusCode(200).body(containsString("client.created")).extract().asString();
        String actor = given().auth().oauth2(admin()).when().get("/admin/audit?type=client.created&client_id=" + app)
                .then().statusCode(200).extract().path("events[0].actor");
        assertEquals("admin:" + TestClients.ADMIN_CLIENT_ID, actor);
        assertTrue(shown.contains("<code>" + actor + "</code>"), "the console shows the actor as " + actor);
    }

    @Test
    void aUserWithoutTheRolesGets403OnEveryPage() {
        String seller = userWithRoles("seller");
        for (String path : List.of("/console", "/console/apps", "/console/users", "/console/audit")) {
            given().header(TestSignIn.HEADER, seller).when().get(path).then().statusCode(403).body(containsString("operator"));
        }
        given().header(TestSignIn.HEADER, UUID.randomUUID().toString()).when().get("/console").then().statusCode(403);
    }

    @Test
    void aFormWithoutItsCsrfTokenIsRefused() {
        String operator = userWithRoles("operator");
        String app = pendingApp();

        given().header(TestSignIn.HEADER, operator).formParam("note", "x").when().post("/console/apps/" + app + "/approve")
                .then().statusCode(403);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("status", equalTo("pending"));
    }

    @Test
    void rotatingTheSecretShowsTheNewOneOnceAndTheOldOneStops() throws Exception {
        String operator = userWithRoles("operator");
        Registrations.Registered app = Registrations.register(admin(), Registrations.confidential());

        Response rotated = form(operator).when().post("/console/apps/" + app.id() + "/rotate-secret");
        assertEquals(303, rotated.statusCode());
        String carried = rotated.getCookie(ConsoleActions.NEW_SECRET_COOKIE);
        assertNotNull(carried);
        assertNotEquals(app.secret(), carried);
        given().header(TestSignIn.HEADER, operator).cookie(ConsoleActions.NEW_SECRET_COOKIE, carried)
                .when().get("/console/apps/" + app.id())
                .then().statusCode(200).body(containsString(carried));
        assertEquals(1, TestRows.secrets(app.id()).size());
        assertEquals(List.of("operator:" + operator), TestRows.auditActors("client.secret_rotated", app.id()));
    }

    @Test
    void revokingConnectionsEndsThemAsTheAdminApiDoes() throws Exception {
        String operator = userWithRoles("operator");
        String app = pendingApp();
        Registrations.step(admin(), app, "approve");
        String one = TestUsers.user().create(pool).id();
        String two = TestUsers.user().create(pool).id();
        for (String u : List.of(one, two)) {
            TestRows.execute("insert into consents (user_id, client_id, scope, first_granted_at, last_used_at) "
                    + "values (?, ?, 'openid', now(), now())", UUID.fromString(u), app);
        }

        form(operator).when().post("/console/apps/" + app + "/connections/" + one + "/revoke").then().statusCode(303);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app + "/connections?state=revoked")
                .then().body("connections.user_id", equalTo(List.of(one)));
        given().header(TestSignIn.HEADER, operator).when().get("/console/users/" + one)
                .then().statusCode(200).body(containsString("revoked"));

        form(operator).when().post("/console/apps/" + app + "/connections/revoke").then().statusCode(303);
        given().auth().oauth2(admin()).when().get("/admin/clients/" + app + "/connections?state=revoked")
                .then().body("connections.size()", equalTo(2));
        assertEquals(List.of("operator:" + operator), TestRows.auditActors("connection.revoked", app).subList(0, 1));
    }

    @Test
    void transferringAnAppChangesItsOwnerAndIsAudited() throws Exception {
        String operator = userWithRoles("operator");
        TestUsers.Created newOwner = TestUsers.user().create(pool);
        String app = pendingApp();

        form(operator).formParam("username", newOwner.username()).when().post("/console/apps/" + app + "/transfer")
                .then().statusCode(303);

        given().auth().oauth2(admin()).when().get("/admin/clients/" + app).then().body("owner_user_id", equalTo(newOwner.id()));
        assertEquals(List.of("operator:" + operator), TestRows.auditActors("client.transferred", app));
        form(operator).formParam("username", "nobody-" + UUID.randomUUID()).when().post("/console/apps/" + app + "/transfer")
                .then().statusCode(400);
    }
}
