package io.keyfair.common.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.core.MultivaluedMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the strict decoder accepts, decoded as browsers and OAuth clients encode it, and what it refuses. */
class UrlEncodedFormTest {

    private static final int LIMIT = 16;

    private static Map<String, List<String>> decode(String body) throws IOException {
        MultivaluedMap<String, String> form = UrlEncodedForm.decode(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), LIMIT, 64);
        return new TreeMap<>(form);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a=1&b=2          | {a=[1], b=[2]}",
            "a=1&a=2          | {a=[1, 2]}",
            "a+b=c+d          | {a b=[c d]}",
            "a=%2B%26%3D      | {a=[+&=]}",
            "a=b=c            | {a=[b=c]}",
            "a&b=             | {a=[], b=[]}",
            "&&a=1&&          | {a=[1]}",
            "n=%C3%A9t%C3%A9  | {n=[été]}",
            "n=été            | {n=[été]}",
            "%41=%7e          | {A=[~]}",
    })
    void wellFormedBodiesDecodeAsBrowsersEncodeThem(String body, String expected) throws IOException {
        assertEquals(expected, decode(body).toString());
    }

    @Test
    void aValueUpToTheLimitDecodesWhole() throws IOException {
        String value = "x".repeat(8190) + "é";
        byte[] body = ("a=" + value.replace("é", "%C3%A9")).getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(value), UrlEncodedForm.decode(new ByteArrayInputStream(body), 8192, 65536).get("a"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "a=%zz", "a=%", "a=%4", "%zz=1", "a=%4&b=1", "a=%g0", "a=%%41" })
    void aPercentSignWithoutTwoHexDigitsIsRefused(String body) {
        MalformedFormException e = assertThrows(MalformedFormException.class, () -> decode(body));
        assertEquals("invalid_request", e.error().error().code());
        assertEquals(400, e.error().status());
    }

    @ParameterizedTest
    @ValueSource(strings = { "a=%ff%fe%80", "a=%C3", "%C0%AF=1", "a=%ED%A0%80" })
    void bytesThatAreNotUtf8AreRefused(String body) {
        MalformedFormException e = assertThrows(MalformedFormException.class, () -> decode(body));
        assertEquals(400, e.error().status());
    }

    @ParameterizedTest
    @ValueSource(strings = { "a=12345678901234567", "12345678901234567=a", "a=%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41" })
    void aNameOrValueOverTheLimitIsRefused(String body) {
        MalformedFormException e = assertThrows(MalformedFormException.class, () -> decode(body));
        assertEquals(400, e.error().status());
    }

    @ParameterizedTest
    @ValueSource(strings = { "a=1234567890123456&b=1234567890123456&c=1234567890123456&d=1234567890123456" })
    void aBodyOverItsLimitIsRefusedAsTooLarge(String body) {
        MalformedFormException e = assertThrows(MalformedFormException.class, () -> decode(body));
        assertEquals(413, e.error().status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "a=%41&b=c+d | {a=[A], b=[c d]}" })
    void aQueryDecodesLikeABody(String query, String expected) {
        assertEquals(expected, new TreeMap<>(UrlEncodedForm.decodeQuery(query)).toString());
    }
}
