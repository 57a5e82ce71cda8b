package io.keyfair.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A JSON log line is one valid JSON object per record, with the request id as its own field. */
class JsonLogFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode line(ExtLogRecord record) throws Exception {
        String out = new JsonLogFormatter().format(record);
        assertTrue(out.endsWith("}\n") && out.indexOf('\n') == out.length() - 1, "one line: " + out);
        return JSON.readTree(out);
    }

    @Test
    void lineCarriesLevelLoggerMessageAndRequestId() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "client %s refused", ExtLogRecord.FormatStyle.PRINTF,
                "io.keyfair.Test");
        record.setParameters(new Object[] { "abc" });
        record.setLoggerName("io.keyfair.token.TokenEndpoint");
        record.setMdc(java.util.Map.of(RequestIds.MDC_KEY, "req-42"));
        JsonNode json = line(record);
        assertEquals("WARNING", json.get("level").asText());
        assertEquals("io.keyfair.token.TokenEndpoint", json.get("logger").asText());
        assertEquals("client abc refused", json.get("message").asText());
        assertEquals("req-42", json.get("request_id").asText());
    }

    @Test
    void quotesNewlinesAndControlCharactersStayInsideTheMessage() throws Exception {
        String message = "a \"quoted\" \\ word\nsecond line\r\t\u0001 end";
        ExtLogRecord record = new ExtLogRecord(Level.INFO, message, "io.keyfair.Test");
        record.setLoggerName("x");
        assertEquals(message, line(record).get("message").asText());
    }

    @Test
    void exceptionIsOneFieldWithItsStackTrace() throws Exception {
        ExtLogRecord record = new ExtLogRecord(Level.SEVERE, "failed", "io.keyfair.Test");
        record.setLoggerName("x");
        record.setThrown(new IllegalStateException("boom"));
        String exception = line(record).get("exception").asText();
        assertTrue(exception.startsWith("java.lang.IllegalStateException: boom"), exception);
        assertTrue(exception.contains("JsonLogFormatterTest"), exception);
    }
}
