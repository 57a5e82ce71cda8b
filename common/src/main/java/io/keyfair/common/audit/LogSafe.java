package io.keyfair.common.audit;

/**
 * Makes a value a request supplied safe to put in a log line: control characters (C0, DEL, C1
 * and the Unicode line and paragraph separators) are written as hex escapes, so a client id
 * or a reason can neither forge a log line nor hide one, and long values are cut short.
 */
public final class LogSafe {

    /** Longer values are cut: a log line is not a place to store what a client sent. */
    static final int MAX_LENGTH = 200;

    private LogSafe() {
    }

    /** The value as it may appear in a log line; `null` for null. */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        int length = Math.min(s.length(), MAX_LENGTH);
        StringBuilder out = null;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                if (out == null) {
                    out = new StringBuilder(length + 16).append(s, 0, i);
                }
                out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        String safe = out == null ? s.substring(0, length) : out.toString();
        return s.length() > MAX_LENGTH ? safe + "…" : safe;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
