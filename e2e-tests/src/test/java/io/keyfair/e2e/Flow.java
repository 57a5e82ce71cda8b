package io.keyfair.e2e;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.keyfair.e2e.Browser.Form;
import io.keyfair.e2e.Browser.Page;
import io.keyfair.e2e.Fixtures.Client;
import io.keyfair.e2e.Fixtures.User;

/** The authorization code flow as a user in a browser walks it. */
public final class Flow {

    private Flow() {
    }

    /** How an authorization ended: at the client's redirect URI, or on a page. */
    public record Outcome(boolean sawLogin, boolean sawConsent, Page last, Map<String, String> callback, String verifier,
            String state, String nonce) {

        public String code() {
            return callback == null ? null : callback.get("code");
        }
    }

    /** A PKCE (S256) verifier and its challenge. */
    public static String[] pkce() {
        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return new String[] { verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest) };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static URI authorizeUri(Map<String, String> params) {
        return URI.create(Stack.ISSUER + "/oauth/authorize?" + Browser.encode(params));
    }

    /** The default request: code, PKCE, state, nonce; {@code extra} overrides or removes (null) parameters. */
    public static Map<String, String> request(Client client, String scope, String challenge, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", client.id());
        p.put("redirect_uri", Fixtures.REDIRECT_URI);
        p.put("scope", scope);
        p.put("state", UUID.randomUUID().toString());
        p.put("nonce", UUID.randomUUID().toString());
        p.put("code_challenge", challenge);
        p.put("code_challenge_method", "S256");
        extra.forEach((k, v) -> {
            if (v == null) {
                p.remove(k);
            } else {
                p.put(k, v);
            }
        });
        return p;
    }

    /** Runs an authorization: types the user's credentials into a login form, answers a consent form. */
    public static Outcome authorize(Browser browser, Client client, User user, String scope, String decision, Map<String, String> extra) {
        String[] pkce = pkce();
        Map<String, String> params = request(client, scope, pkce[1], extra);
        Page page = browser.follow(browser.get(authorizeUri(params)), Fixtures.REDIRECT_URI);
        boolean sawLogin = false;
        boolean sawConsent = false;
        for (int step = 0; step < 10; step++) {
            if (page.status() / 100 == 3 && page.location() != null && page.location().toString().startsWith(Fixtures.REDIRECT_URI)) {
                return new Outcome(sawLogin, sawConsent, page, Browser.query(page.location()), pkce[0], params.get("state"), params.get("nonce"));
            }
            Form login = page.form("password");
            Form consent = page.form("decision");
            if (login != null && user != null && !sawLogin) {
                sawLogin = true;
                page = browser.submit(login, Map.of("username", user.username(), "password", user.password()));
            } else if (consent != null && decision != null && !sawConsent) {
                sawConsent = true;
                page = browser.submit(consent, Map.of("decision", decision));
            } else {
                return new Outcome(sawLogin || login != null, sawConsent || consent != null, page, null, pkce[0], params.get("state"),
                        params.get("nonce"));
            }
            page = browser.follow(page, Fixtures.REDIRECT_URI);
        }
        throw new IllegalStateException("the authorization did not end");
    }
}
