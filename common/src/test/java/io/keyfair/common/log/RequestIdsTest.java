package io.keyfair.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void aMadeIdIs32LowercaseHexDigitsAndNeverRepeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.acceptOrMake(null);
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
    }

    @Test
    void aPlainIdFromTheIngressIsKeptAndAForgedOneReplaced() {
        assertEquals("abc-123.x_y:z", RequestIds.acceptOrMake("abc-123.x_y:z"));
        assertNotEquals("a\nb", RequestIds.acceptOrMake("a\nb"));
    }
}
