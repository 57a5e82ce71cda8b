package io.keyfair.common.log;

import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.MDC;

/**
 * The request id that ties together the log lines of one request across the ingress and the
 * services. nginx sets `X-Request-Id` when the client sent none; a service takes it, or makes
 * one when it is missing or not a plain token, keeps it in the log context of the request (Quarkus
 * keeps the MDC in the request's Vert.x context, so every line of the request carries it, on
 * whichever thread), echoes it in the response and sends it on with the calls it makes.
 */
public final class RequestIds {

    /** The header that carries it, in and out. */
    public static final String HEADER = "X-Request-Id";
    /** Its key in the log context (`%X{request_id}`, `request_id` in JSON lines). */
    public static final String MDC_KEY = "request_id";

    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    /** The id the ingress or caller gave when it is a plain token, else a new one. */
    public static String acceptOrMake(String given) {
        return isPlain(given) ? given : make();
    }

    /** The id of the request being handled, or null outside a request. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }

    // only letters, digits and - . _ : so a forged header cannot inject a log line or a field
    static boolean isPlain(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // a correlation id, not a secret: 128 random bits without SecureRandom's cost, in nginx's form
    static String make() {
        // 32 hex digits of 128 random bits, written directly: String.format cost more than the
        // rest of a token request's own code
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        hex(random.nextLong(), out, 0);
        hex(random.nextLong(), out, 16);
        return new String(out);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(long value, char[] out, int from) {
        for (int i = 15; i >= 0; i--) {
            out[from + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}
