package io.keyfair.authorize.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.authorize.Browser;
import io.keyfair.authorize.TestRequests;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UsersAdminTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    TokenSigner signer;

    @Inject
    Pool pool;

    @Inject
    RedisKeys keys;

    @Inject
    ReactiveRedisDataSource redis;

    private RequestSpecification admin() {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).contentType("application/json");
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> b = new HashMap<>();
        b.put("username", "u_" + Secrets.randomHex(6));
        b.put("password", "correct horse battery");
        for (int i = 0; i < pairs.length; i += 2) {
            b.put((String) pairs[i], pairs[i + 1]);
        }
        return b;
    }

    private static void assertInvalid(Response r, String mentions) {
        r.then().statusCode(400).contentType(startsWith("application/json"))
                .body("error", equalTo("invalid_request"))
                .body("error_description", containsString(mentions));
    }

    private Row row(String id) {
        var rows = pool.preparedQuery("select * from users where id = $1::uuid").execute(Tuple.of(id)).await().atMost(WAIT);
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    @Test
    void createdUserIsShownWithoutItsPasswordHash() {
        Map<String, Object> b = body("email", "ada@example.com", "email_verified", true, "name", "Ada Lovelace",
                "seller_verified", true, "seller_since", "2021-03-04", "roles", List.of("buyer", "seller"));
        String id = admin().body(b).post("/admin/users").then().statusCode(201)
                .header("Location", startsWith("/admin/users/"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .extract().path("id");
        admin().get("/admin/users/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("username", equalTo(b.get("username")))
                .body("email", equalTo("ada@example.com"))
                .body("email_verified", equalTo(true))
                .body("name", equalTo("Ada Lovelace"))
                .body("seller_verified", equalTo(true))
                .body("seller_since", equalTo("2021-03-04"))
                .body("roles", contains("buyer", "seller"))
                .body("updated_at", not(nullValue()))
                .body("$", not(hasKey("password")))
                .body("$", not(hasKey("password_hash")));
        assertEquals("buyer seller", row(id).getString("roles"), "roles are stored space separated");
    }

    @Test
    void passwordIsStoredAsArgon2idWithAtLeastTheOwaspParameters() {
        String id = admin().body(body()).post("/admin/users").then().statusCode(201).extract().path("id");
        String hash = row(id).getString("password_hash");
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
    }

    @Test
    void minimalUserGetsDefaults() {
        String id = admin().body(body()).post("/admin/users").then().statusCode(201).extract().path("id");
        admin().get("/admin/users/" + id).then().statusCode(200)
                .body("email", nullValue()).body("email_verified", equalTo(false)).body("seller_verified", equalTo(false))
                .body("seller_since", nullValue()).body("roles", org.hamcrest.Matchers.empty());
    }

    @Test
    void verifiedSellerWithoutADateBecameOneToday() {
        String id = admin().body(body("seller_verified", true)).post("/admin/users").then().statusCode(201).extract().path("id");
        admin().get("/admin/users/" + id).then().body("seller_since", equalTo(LocalDate.now(ZoneOffset.UTC).toString()));
    }

    @Test
    void takenUsernameGives409Conflict() {
        Map<String, Object> b = body();
        admin().body(b).post("/admin/users").then().statusCode(201);
        admin().body(b).post("/admin/users").then().statusCode(409).body("error", equalTo("conflict"));
    }

    @Test
    void invalidFieldsGive400InvalidRequestNamingTheField() {
        assertInvalid(admin().body(body("username", "has space")).post("/admin/users"), "username");
        assertInvalid(admin().body(body("username", "x".repeat(129))).post("/admin/users"), "username");
        assertInvalid(admin().body(body("username", "")).post("/admin/users"), "username");
        assertInvalid(admin().body(body("password", "short")).post("/admin/users"), "password");
        assertInvalid(admin().body(body("email", "not-an-email")).post("/admin/users"), "email");
        assertInvalid(admin().body(body("seller_since", "04/03/2021")).post("/admin/users"), "seller_since");
        assertInvalid(admin().body(body("seller_since", "2021-02-30")).post("/admin/users"), "seller_since");
        assertInvalid(admin().body(body("email_verified", "yes")).post("/admin/users"), "email_verified");
        assertInvalid(admin().body(body("roles", "buyer")).post("/admin/users"), "roles");
        assertInvalid(admin().body(body("roles", List.of("buy er"))).post("/admin/users"), "role");
        Map<String, Object> noUsername = body();
        noUsername.remove("username");
        assertInvalid(admin().body(noUsername).post("/admin/users"), "username");
        Map<String, Object> noPassword = body();
        noPassword.remove("password");
        assertInvalid(admin().body(noPassword).post("/admin/users"), "password");
        admin().body("[1,2]").post("/admin/users").then().statusCode(400).body("error", equalTo("invalid_request"));
        admin().body("{not json").post("/admin/users").then().statusCode(400).body("error", equalTo("invalid_request"))
                .body(not(containsString("jackson")));
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndUpdatedAt() throws InterruptedException {
        String id = admin().body(body("name", "Old", "email", "old@example.com")).post("/admin/users").then().statusCode(201)
                .extract().path("id");
        long before = admin().get("/admin/users/" + id).then().extract().<Number>path("updated_at").longValue();
        Thread.sleep(1100);
        admin().body(Map.of("name", "New", "roles", List.of("seller"))).patch("/admin/users/" + id).then().statusCode(200)
                .body("name", equalTo("New")).body("email", equalTo("old@example.com")).body("roles", contains("seller"));
        long after = admin().get("/admin/users/" + id).then().extract().<Number>path("updated_at").longValue();
        assertTrue(after > before, before + " → " + after);
        Map<String, Object> clear = new HashMap<>();
        clear.put("email", null);
        admin().body(clear).patch("/admin/users/" + id).then().statusCode(200).body("email", nullValue());
    }

    @Test
    void patchedPasswordIsHashedAgainAndWorksAtLogin() {
        TestUsers.Created user = TestUsers.user().create(pool);
        String oldHash = row(user.id()).getString("password_hash");
        admin().body(Map.of("password", "a brand new password")).patch("/admin/users/" + user.id()).then().statusCode(200)
                .body("$", not(hasKey("password")));
        assertFalse(oldHash.equals(row(user.id()).getString("password_hash")));
        TestClients.Created client = TestClients.thirdParty().create(pool);
        Browser browser = new Browser();
        Response login = browser.follow(browser.authorize(TestRequests.params(client, "openid")));
        browser.login(login, user).then().statusCode(401);
        browser.login(login, new TestUsers.Created(user.id(), user.username(), "a brand new password")).then().statusCode(303);
    }

    private static Browser signedIn(TestUsers.Created user) {
        Browser browser = new Browser();
        browser.login(browser.get("/login"), user).then().statusCode(303);
        browser.get("/account/apps").then().statusCode(200);
        return browser;
    }

    private static void sentToLogin(Browser browser) {
        browser.get("/account/apps").then().statusCode(302).header("Location", startsWith(TestTokens.ISSUER + "/login"));
    }

    private boolean sessionInRedis(Browser browser) {
        String digest = HexFormat.of().formatHex(Secrets.sha256(browser.cookies.get("kf_session")));
        return redis.key(String.class).exists(keys.session(digest)).await().atMost(WAIT);
    }

    @Test
    void passwordChangeEndsEverySessionOfTheUser() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestUsers.Created other = TestUsers.user().create(pool);
        Browser laptop = signedIn(user);
        Browser phone = signedIn(user);
        Browser someoneElse = signedIn(other);

        admin().body(Map.of("password", "a brand new password")).patch("/admin/users/" + user.id()).then().statusCode(200);

        assertFalse(sessionInRedis(laptop));
        sentToLogin(laptop);
        sentToLogin(phone);
        someoneElse.get("/account/apps").then().statusCode(200);
    }

    @Test
    void patchWithoutAPasswordKeepsTheSessions() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser browser = signedIn(user);
        admin().body(Map.of("name", "Renamed")).patch("/admin/users/" + user.id()).then().statusCode(200);
        browser.get("/account/apps").then().statusCode(200);
    }

    @Test
    void deletingTheUserEndsEverySessionInRedis() {
        TestUsers.Created user = TestUsers.user().create(pool);
        Browser laptop = signedIn(user);
        Browser phone = signedIn(user);

        admin().delete("/admin/users/" + user.id()).then().statusCode(204);

        assertFalse(sessionInRedis(laptop), "the session is gone, not only refused");
        assertFalse(sessionInRedis(phone));
        assertFalse(redis.key(String.class).exists(keys.sessionsOfUser(user.id())).await().atMost(WAIT), "and its index");
        sentToLogin(laptop);
        sentToLogin(phone);
    }

    @Test
    void patchToATakenUsernameGives409() {
        TestUsers.Created a = TestUsers.user().create(pool);
        TestUsers.Created b = TestUsers.user().create(pool);
        admin().body(Map.of("username", a.username())).patch("/admin/users/" + b.id()).then().statusCode(409)
                .body("error", equalTo("conflict"));
        admin().body(Map.of("username", b.username())).patch("/admin/users/" + b.id()).then().statusCode(200);
    }

    @Test
    void invalidPatchGives400() {
        TestUsers.Created user = TestUsers.user().create(pool);
        assertInvalid(admin().body(Map.of("seller_verified", "maybe")).patch("/admin/users/" + user.id()), "seller_verified");
    }

    @Test
    void deleteRemovesTheUserAndTheirGrants() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created client = TestClients.thirdParty().create(pool);
        new Browser().authorizeThrough(TestRequests.params(client, "openid"), user, "approve");
        admin().delete("/admin/users/" + user.id()).then().statusCode(204);
        admin().get("/admin/users/" + user.id()).then().statusCode(404).body("error", equalTo("not_found"));
        admin().delete("/admin/users/" + user.id()).then().statusCode(404);
        assertEquals(0, pool.preparedQuery("select 1 from consents where user_id = $1::uuid").execute(Tuple.of(user.id()))
                .await().atMost(WAIT).size());
    }

    @Test
    void unknownOrMalformedIdGives404() {
        for (String id : List.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "1-1-1-1-1")) {
            admin().get("/admin/users/" + id).then().statusCode(404).body("error", equalTo("not_found"));
            admin().body(Map.of("name", "x")).patch("/admin/users/" + id).then().statusCode(404);
            admin().delete("/admin/users/" + id).then().statusCode(404);
        }
    }

    @Test
    void withoutATokenGives401AndWithoutTheAdminScope403() {
        given().contentType("application/json").body(body()).post("/admin/users").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().auth().oauth2(TestTokens.forClient().scope("profile").sign(signer)).contentType("application/json").body(body())
                .post("/admin/users").then().statusCode(403).body("error", equalTo("insufficient_scope"));
        given().auth().oauth2("garbage").get("/admin/users/00000000-0000-0000-0000-000000000000").then().statusCode(401);
    }

    @Test
    void auditEventsNameTheAdminClientAndNeverThePassword() {
        Map<String, Object> b = body("password", "secret-passw0rd-xyz");
        String id = admin().body(b).post("/admin/users").then().statusCode(201).extract().path("id");
        admin().body(Map.of("password", "another-passw0rd-xyz")).patch("/admin/users/" + id).then().statusCode(200);
        var rows = pool.preparedQuery("select type, actor, detail::text as detail from audit_events where user_id = $1 order by id")
                .execute(Tuple.of(id)).await().atMost(WAIT);
        assertEquals(2, rows.size());
        for (Row r : rows) {
            assertEquals(TestClients.ADMIN_CLIENT_ID, r.getString("actor"));
            assertFalse(String.valueOf(r.getString("detail")).contains("passw0rd"), r.getString("detail"));
        }
        List<String> types = new java.util.ArrayList<>();
        rows.forEach(r -> types.add(r.getString("type")));
        assertEquals(List.of("user.created", "user.updated"), types);
    }
}
