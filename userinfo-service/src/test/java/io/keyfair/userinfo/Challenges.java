package io.keyfair.userinfo;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.response.Response;

/** Reads responses as a client would: the Bearer challenge's parameters, and what must never leak. */
public final class Challenges {

    /** One `auth-param` (RFC 9110 §11.2), value quoted or a token. */
    private static final Pattern PARAM = Pattern.compile("\\s*,?\\s*([\\w!#$%&'*+.^`|~-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,\"]+))");

    /** From the conformance suite (lib/http.js, assertNoLeak). */
    private static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\bat (java|javax|jakarta|org|io|com|sun)\\.[\\w$.]+\\("),
            Pattern.compile("\\b(java|javax|jakarta)\\.[a-z]+(\\.[a-z]+)*\\.[A-Z]\\w*(Exception|Error)\\b"),
            Pattern.compile("\\b(org\\.(hibernate|springframework|postgresql|jboss|eclipse|apache)|io\\.(quarkus|vertx|netty|smallrye|keyfair)|com\\.(fasterxml|nimbusds))\\.[\\w.]+"),
            Pattern.compile("SQLSTATE|SQLException|PSQLException|syntax error at or near", Pattern.CASE_INSENSITIVE),
            Pattern.compile("\\b(SELECT\\s+[\\w*.,\\s]+\\s+FROM|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM)\\s+[\"\\w]"));

    private Challenges() {
    }

    /** The parameters of the response's `WWW-Authenticate: Bearer …` challenge. */
    public static Map<String, String> bearer(Response response) {
        String header = response.header("WWW-Authenticate");
        assertNotNull(header, "WWW-Authenticate is missing");
        assertTrue(header.regionMatches(true, 0, "Bearer", 0, 6) && (header.length() == 6 || header.charAt(6) == ' '),
                "a Bearer challenge: " + header);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header.substring(6));
        while (m.lookingAt()) {
            params.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3));
            m.region(m.end(), m.regionEnd());
        }
        assertTrue(m.regionStart() == m.regionEnd() || header.substring(6 + m.regionStart()).isBlank(),
                "unparseable WWW-Authenticate: " + header);
        return params;
    }

    /** Contract, "Errors, limits, bad input": no stack trace, SQL or internal class name. */
    public static void assertNoLeak(Response response) {
        String body = response.asString();
        for (Pattern leak : LEAKS) {
            assertTrue(!leak.matcher(body).find(), "the body leaks " + leak + ": " + body);
        }
    }
}
