package io.keyfair.e2e;

import static io.keyfair.e2e.Calls.exchange;
import static io.keyfair.e2e.Calls.refresh;
import static io.keyfair.e2e.Calls.userinfo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;
import io.keyfair.e2e.Flow.Outcome;
import io.restassured.response.Response;

/**
 * A signing key rotation on the running stack with `deploy/keys`, against deploy/local's key file:
 * tokens signed before it keep working at userinfo and introspection, tokens after it carry the
 * new `kid`, and every token-service instance's JWKS holds every key a live token may need, the
 * next key before it signs. The original key file is put back afterwards, so other tests see the
 * keys they started with.
 */
class KeyRotationIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path KEY_FILE = ROOT.resolve("deploy/local/.state/keys.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** keyfair.keys.reload-interval (5 s) with room for a loaded machine. */
    private static final Duration RELOAD = Duration.ofSeconds(20);

    private static final List<String> INSTANCES = new ArrayList<>();
    private static String original;

    @BeforeAll
    static void stack() throws IOException {
        Stack.ensureUp();
        Assumptions.assumeTrue(System.getenv("KEYFAIR_E2E_ISSUER") == null && Files.exists(KEY_FILE),
                "the stack deploy/local/up runs from this checkout, with its key file");
        original = Files.readString(KEY_FILE);
        INSTANCES.add("http://127.0.0.1:8082");
        if (listening(8092)) {
            INSTANCES.add("http://127.0.0.1:8092");
        }
    }

    @AfterAll
    static void restoreTheOriginalKeys() throws Exception {
        if (original == null) {
            return;
        }
        Path tmp = Files.createTempFile(KEY_FILE.getParent(), ".keys", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, original);
        Files.move(tmp, KEY_FILE, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Set<String> kids = kidsOf(original, null);
        Awaitility.await().atMost(RELOAD).pollInterval(Duration.ofMillis(500))
                .until(() -> INSTANCES.stream().allMatch(i -> published(i).equals(kids)));
        Stack.forgetAdminToken();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs `deploy/keys` on the stack's key file and fails the test unless it succeeds. */
    private static void keys(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("deploy/keys").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("KEYFAIR_KEYS_FILE", KEY_FILE.toString());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "deploy/keys finished");
        assertEquals(0, p.exitValue(), "deploy/keys " + String.join(" ", args) + ": " + output);
    }

    /** The kids of the key file in this status, or all of them for null. */
    private static Set<String> kidsOf(String keyFile, String status) throws IOException {
        Set<String> kids = new HashSet<>();
        for (JsonNode key : JSON.readTree(keyFile).path("keys")) {
            if (status == null || status.equals(key.path("status").asText("active"))) {
                kids.add(key.path("kid").asText());
            }
        }
        return kids;
    }

    private static Set<String> published(String base) {
        Set<String> kids = new HashSet<>();
        try {
            for (JsonNode key : JSON.readTree(given().baseUri(base).get("/oauth/jwks").then().statusCode(200).extract().asString())
                    .path("keys")) {
                assertTrue(key.path("d").isMissingNode(), "public keys only");
                kids.add(key.path("kid").asText());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return kids;
    }

    private static String kid(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getHeader().getKeyID();
    }

    private static String signingKid(String instance, Client machine) throws Exception {
        return kid(given().baseUri(instance).auth().preemptive().basic(machine.id(), machine.secret())
                .contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(200).extract().path("access_token"));
    }

    private static void introspectedActive(String instance, String token, boolean active) {
        given().baseUri(instance).auth().preemptive().basic(Stack.ADMIN_ID, Stack.ADMIN_SECRET)
                .contentType("application/x-www-form-urlencoded").formParam("token", token).post("/oauth/introspect")
                .then().statusCode(200).body("active", equalTo(active));
    }

    @Test
    void tokensSignedBeforeARotationKeepWorkingAndNewTokensCarryTheNewKid() throws Exception {
        Client app = Fixtures.approved(Fixtures.metadata());
        Client machine = Fixtures.approved(Fixtures.machineMetadata());
        User user = Fixtures.user();
        Outcome o = Flow.authorize(new Browser(), app, user, "openid profile", "approve", Map.of());
        Response before = exchange(app, o);
        before.then().statusCode(200);
        String oldAccess = before.path("access_token");
        String oldKid = kid(oldAccess);
        userinfo(oldAccess).then().statusCode(200).body("sub", equalTo(user.id()));

        // 1. publish next keys; they do not sign yet
        keys("add-next");
        Set<String> next = kidsOf(Files.readString(KEY_FILE), "next");
        assertEquals(2, next.size(), "a next RS256 and ES256 key");
        Awaitility.await().atMost(RELOAD).pollInterval(Duration.ofMillis(500))
                .until(() -> INSTANCES.stream().allMatch(i -> published(i).containsAll(next)));
        for (String instance : INSTANCES) {
            assertEquals(oldKid, signingKid(instance, machine), instance + ": the next key does not sign yet");
        }

        // 2. promote them: every instance signs with the new key, the old one is retired
        keys("promote");
        Set<String> active = kidsOf(Files.readString(KEY_FILE), "active");
        assertEquals(next, active, "the next keys are the active ones");
        String newKid = active.stream().filter(k -> k.startsWith("rs-")).findFirst().orElseThrow();
        for (String instance : INSTANCES) {
            Awaitility.await().atMost(RELOAD).pollInterval(Duration.ofMillis(700))
                    .until(() -> signingKid(instance, machine).equals(newKid));
        }

        // 3. new tokens carry the new kid and work at once; old tokens keep working until they expire
        Response after = refresh(app, before.path("refresh_token"));
        after.then().statusCode(200);
        String newAccess = after.path("access_token");
        assertEquals(newKid, kid(newAccess));
        Response signedIn = exchange(app, Flow.authorize(new Browser(), app, user, "openid profile", "approve", Map.of()));
        assertEquals(newKid, kid(signedIn.then().statusCode(200).extract().path("id_token")), "ID tokens too");
        assertNotEquals(oldKid, newKid);
        userinfo(newAccess).then().statusCode(200).body("sub", equalTo(user.id()));
        userinfo(oldAccess).then().statusCode(200).body("sub", equalTo(user.id()));
        for (String instance : INSTANCES) {
            introspectedActive(instance, oldAccess, true);
            introspectedActive(instance, newAccess, true);
            Set<String> kids = published(instance);
            assertTrue(kids.contains(oldKid) && kids.contains(newKid), instance + ": the JWKS holds the retired and the new key");
        }
    }
}
