package io.keyfair.authorize;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keyfair.common.testing.TestTokens;
import io.keyfair.common.testing.TestUsers;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A scripted browser for the tests: keeps cookies, never follows redirects on its own, posts
 * forms with their hidden inputs and an `Origin` header, and comes from its own client address
 * (so the login throttling of one test never touches another).
 */
public final class Browser {

    public static final String ORIGIN = TestTokens.ISSUER;
    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    public final Map<String, String> cookies = new LinkedHashMap<>();
    public final String address = "10." + ThreadLocalRandom.current().nextInt(256) + "." + ThreadLocalRandom.current().nextInt(256)
            + "." + (1 + ThreadLocalRandom.current().nextInt(250));

    private RequestSpecification spec() {
        return given().redirects().follow(false).cookies(cookies).header("X-Forwarded-For", address);
    }

    public Response get(String url) {
        String path = path(url);
        int q = path.indexOf('?');
        if (q < 0) {
            return remember(spec().get(path));
        }
        return remember(spec().queryParams(query(path)).get(path.substring(0, q)));
    }

    public Response post(String url, Map<String, String> form) {
        return remember(spec().contentType("application/x-www-form-urlencoded").header("Origin", ORIGIN).formParams(form)
                .post(path(url)));
    }

    /** GET /oauth/authorize with these parameters. */
    public Response authorize(Map<String, String> params) {
        return remember(spec().queryParams(params).get("/oauth/authorize"));
    }

    /** GET /oauth/authorize as a browser loads it into an iframe (Fetch Metadata `Sec-Fetch-Dest: iframe`). */
    public Response authorizeInFrame(Map<String, String> params) {
        return remember(spec().header("Sec-Fetch-Dest", "iframe").queryParams(params).get("/oauth/authorize"));
    }

    /** Follows redirects as long as they stay on our issuer. */
    public Response follow(Response r) {
        while ((r.statusCode() == 302 || r.statusCode() == 303) && r.header("Location").startsWith(ORIGIN + "/")) {
            r = get(r.header("Location"));
        }
        return r;
    }

    /** Submits the page's (only) POST form with its hidden inputs plus these fields. */
    public Response submit(Response page, Map<String, String> fields) {
        String html = page.asString();
        Matcher form = FORM.matcher(html);
        assertTrue(form.find(), "the page has a form: " + html);
        Matcher action = ACTION.matcher(form.group(0));
        assertTrue(action.find(), "the form has an action");
        Map<String, String> data = hidden(form.group(1));
        data.putAll(fields);
        return post(action.group(1), data);
    }

    /** Types the credentials into the login page. */
    public Response login(Response loginPage, TestUsers.Created user) {
        return submit(loginPage, Map.of("username", user.username(), "password", user.password()));
    }

    /** Runs an authorization to the client's redirect URI: login and consent when they are shown. */
    public Map<String, String> authorizeThrough(Map<String, String> params, TestUsers.Created user, String decision) {
        Response r = follow(authorize(params));
        if (r.statusCode() == 200 && r.asString().contains("name=\"password\"")) {
            r = follow(login(r, user));
        }
        if (r.statusCode() == 200 && r.asString().contains("name=\"decision\"")) {
            r = follow(submit(r, Map.of("decision", decision)));
        }
        return callback(r);
    }

    public static Map<String, String> hidden(String html) {
        Map<String, String> out = new HashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** The query of a redirect to the client, decoded. */
    public static Map<String, String> callback(Response r) {
        assertTrue(r.statusCode() == 302 || r.statusCode() == 303, "a redirect to the client, got " + r.statusCode() + ": " + r.asString());
        String location = r.header("Location");
        assertNotNull(location);
        assertTrue(!location.startsWith(ORIGIN), "redirected to the client, not to " + location);
        return query(location);
    }

    public static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        int at = url.indexOf('?');
        String q = at < 0 ? null : url.substring(at + 1);
        if (q == null) {
            return out;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            assertEquals(null, out.put(name, value), "parameter " + name + " given once");
        }
        return out;
    }

    private Response remember(Response r) {
        for (String header : r.headers().getValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || header.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return r;
    }

    private static String path(String url) {
        if (url.startsWith(ORIGIN)) {
            return url.substring(ORIGIN.length());
        }
        return url;
    }
}
