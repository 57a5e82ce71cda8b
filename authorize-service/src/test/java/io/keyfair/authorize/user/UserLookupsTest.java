package io.keyfair.authorize.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;
import io.keyfair.common.testing.TestDatabase;
import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.keyfair.common.token.TokenSigner;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** `GET /admin/users?q=` and `GET /admin/users/{id}/connections` (CONTRACT.md, "Connections"). */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UserLookupsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    TokenSigner signer;

    @Inject
    Pool pool;

    private Response get(String path) {
        return given().auth().oauth2(TestTokens.admin().sign(signer)).when().get(path.replace(TestTokens.ISSUER, ""));
    }

    @Test
    void usersAreFoundByAPartOfTheirUsernameOrEmailAndPaged() {
        String tag = "find" + Secrets.randomHex(4);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(TestUsers.user().email("someone" + i + "@" + tag + ".example").roles("seller").create(pool).username());
        }
        made.sort(null);
        get("/admin/users?q=" + made.get(1)).then().statusCode(200)
                .body("users", hasSize(1)).body("users[0].username", equalTo(made.get(1)))
                .body("users[0].roles", equalTo(List.of("seller"))).body("next", nullValue());
        get("/admin/users?q=@" + tag + ".EXAMPLE").then().statusCode(200).body("users", hasSize(3))
                .body("users.email", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.endsWith("@" + tag + ".example")));
        get("/admin/users?q=%25").then().statusCode(200); // a literal %, not a wildcard: no error

        List<String> seen = new ArrayList<>();
        String next = "/admin/users?limit=2&q=" + tag;
        while (next != null) {
            JsonPath page = get(next).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("users.username"));
            next = page.getString("next");
        }
        assertEquals(made, seen);
    }

    @Test
    void aUsersConnectionsCarryClientAndState() {
        TestUsers.Created user = TestUsers.user().create(pool);
        TestClients.Created used = TestClients.thirdParty().create(pool);
        TestClients.Created removed = TestClients.thirdParty().create(pool);
        consent(user.id(), used.clientId(), null);
        consent(user.id(), removed.clientId(), "now()");

        JsonPath body = get("/admin/users/" + user.id() + "/connections").then().statusCode(200)
                .body("connections", hasSize(2)).body("next", nullValue()).extract().jsonPath();
        assertEquals("active", body.getString("connections.find { it.client_id == '" + used.clientId() + "' }.state"));
        assertEquals("revoked", body.getString("connections.find { it.client_id == '" + removed.clientId() + "' }.state"));
        assertEquals(used.name(), body.getString("connections.find { it.client_id == '" + used.clientId() + "' }.client_name"));
        assertTrue(body.getString("connections[0].first_granted_at").endsWith("Z"));
        get("/admin/users/" + user.id() + "/connections?state=revoked").then().body("connections", hasSize(1));

        get("/admin/users/" + UUID.randomUUID() + "/connections").then().statusCode(404);
        get("/admin/users/nobody/connections").then().statusCode(404);
        get("/admin/users/" + user.id() + "/connections?state=asleep").then().statusCode(400).body("error", equalTo("invalid_request"));
        given().when().get("/admin/users?q=x").then().statusCode(401);
    }

    private void consent(String userId, String clientId, String revokedAt) {
        pool.preparedQuery("insert into consents (user_id, client_id, scope, last_used_at, revoked_at) values ($1::uuid, $2, 'openid', now(), "
                + (revokedAt == null ? "null" : revokedAt) + ")").execute(Tuple.of(userId, clientId)).await().atMost(WAIT);
    }
}
