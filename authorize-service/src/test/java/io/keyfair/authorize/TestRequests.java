package io.keyfair.authorize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.keyfair.common.secret.Secrets;
import io.keyfair.common.testing.TestClients;

/** Authorization requests for the tests. */
public final class TestRequests {

    private TestRequests() {
    }

    /** A valid request with PKCE S256, state and nonce; `extra` adds or (with null) removes parameters. */
    public static Map<String, String> params(TestClients.Created client, String scope, String... extra) {
        Map<String, String> p = new HashMap<>();
        p.put("response_type", "code");
        p.put("client_id", client.clientId());
        p.put("redirect_uri", client.redirectUri());
        if (scope != null) {
            p.put("scope", scope);
        }
        p.put("state", "st-" + Secrets.randomHex(8));
        p.put("nonce", "n-" + Secrets.randomHex(8));
        p.put("code_challenge", challenge("verifier-" + Secrets.randomHex(24)));
        p.put("code_challenge_method", "S256");
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                p.remove(extra[i]);
            } else {
                p.put(extra[i], extra[i + 1]);
            }
        }
        return p;
    }

    /** RFC 7636 §4.2 S256. */
    public static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
