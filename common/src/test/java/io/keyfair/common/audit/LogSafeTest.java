package io.keyfair.common.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void lineBreaksAndOtherControlCharactersAreEscaped() {
        assertEquals("id\\x0d\\x0aINFO forged\\x09\\x7f\\x85\\u2028", LogSafe.of("id\r\nINFO forged\t\u007f\u0085\u2028"));
    }

    @Test
    void printableValuesAreLoggedAsTheyAre() {
        assertEquals("0123456789abcdef0123456789abcdef", LogSafe.of("0123456789abcdef0123456789abcdef"));
        assertEquals("{reason=invalid_secret}", LogSafe.of(java.util.Map.of("reason", "invalid_secret")));
        assertEquals("null", LogSafe.of(null));
    }

    @Test
    void longValuesAreCutShort() {
        String logged = LogSafe.of("a".repeat(10_000));
        assertTrue(logged.length() <= LogSafe.MAX_LENGTH + 1, "cut to the limit: " + logged.length());
        assertTrue(logged.endsWith("…"));
    }
}
