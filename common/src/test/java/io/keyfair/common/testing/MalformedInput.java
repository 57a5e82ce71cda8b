package io.keyfair.common.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.restassured.RestAssured;

import io.restassured.config.EncoderConfig;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Form bodies and query strings that are not valid `application/x-www-form-urlencoded` UTF-8,
 * and a client that sends them byte for byte and gives up after two seconds, so that a server
 * that never answers fails the test instead of blocking it.
 */
public final class MalformedInput {

    /** A percent sign not followed by two hex digits, in a value and in a name. */
    public static final List<String> BAD_ESCAPES = List.of("a=%zz", "a=%", "a=%4", "%zz=1", "a=%zz&b=1");
    /** Well-formed escapes of bytes that are not UTF-8. */
    public static final String INVALID_UTF8 = "a=%ff%fe%80";
    /** Slower than this is a hang as far as a client is concerned. */
    public static final long PROMPT_MILLIS = 1000;

    private static final RestAssuredConfig STRICT_TIMEOUTS = RestAssuredConfig.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 2000)
                    .setParam("http.socket.timeout", 2000))
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false));
    private static final Pattern INTERNALS = Pattern.compile("Exception|\\bat [a-z]+\\.[a-z]|\\.java:\\d|io\\.keyfair|org\\.jboss|io\\.vertx");

    private MalformedInput() {
    }

    /** One value of 8 KiB and a byte, the parameter limit plus one. */
    public static String oversizedParameter() {
        return "a=" + "b".repeat(8 * 1024 + 1);
    }

    /** 128 KiB of small parameters: each is fine, together they are twice the body limit. */
    public static String oversizedBody() {
        return "a=bcdefgh&".repeat(128 * 1024 / 10);
    }

    /** A request that sends its body and query exactly as given and times out instead of hanging. */
    public static RequestSpecification client() {
        return given().config(STRICT_TIMEOUTS).urlEncodingEnabled(false).redirects().follow(false);
    }

    /** A form POST of exactly these bytes. */
    public static RequestSpecification form(String body) {
        return client().contentType("application/x-www-form-urlencoded").body(body);
    }

    /** A response read straight off the socket: status, headers (lower-case names) and body. */
    public record RawResponse(int status, Map<String, String> headers, String body, long millis) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A GET of exactly this path and query, over a plain socket: HTTP clients refuse to send a
     * malformed escape at all. HTTP/1.0, so the body comes whole and the server closes.
     */
    public static RawResponse rawGet(String pathAndQuery) {
        return raw("GET " + pathAndQuery + " HTTP/1.0\r\nHost: localhost\r\n\r\n", new byte[0]);
    }

    /** A form POST sent in chunks, without a `Content-Length`: its size is known only as it arrives. */
    public static RawResponse rawChunkedForm(String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        for (int at = 0; at < bytes.length; at += 4096) {
            int size = Math.min(4096, bytes.length - at);
            chunks.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            chunks.write(bytes, at, size);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        chunks.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
                chunks.toByteArray());
    }

    private static RawResponse raw(String head, byte[] body) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(2000);
            try {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().write(body);
            } catch (IOException refusedEarly) {
                // the server may answer and close before it has read everything: read its answer
            }
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long millis = (System.nanoTime() - start) / 1_000_000;
            int end = answer.indexOf("\r\n\r\n");
            String[] lines = answer.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, answer.substring(end + 4), millis);
        } catch (IOException e) {
            throw new UncheckedIOException("no complete answer to " + head.lines().findFirst().orElse(""), e);
        }
    }

    /** The response says nothing about the server's insides: no stack trace, no class name. */
    public static void assertNoInternals(Response r) {
        String body = r.asString();
        assertFalse(INTERNALS.matcher(body).find(), "no stack trace or class name in: " + body);
    }

    public static void assertNoInternals(RawResponse r) {
        assertFalse(INTERNALS.matcher(r.body()).find(), "no stack trace or class name in: " + r.body());
    }

    /** The answer came before a person or a client would call it hanging. */
    public static void assertPrompt(Response r) {
        assertTrue(r.time() < PROMPT_MILLIS, "answered in " + r.time() + " ms");
    }

    public static void assertPrompt(RawResponse r) {
        assertTrue(r.millis() < PROMPT_MILLIS, "answered in " + r.millis() + " ms");
    }
}
