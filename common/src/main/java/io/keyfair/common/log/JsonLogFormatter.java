package io.keyfair.common.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * One JSON object per log line: `timestamp`, `level`, `logger`, `thread`, `message`, every entry
 * of the log context (`request_id` among them) and `exception` (class, message and stack trace)
 * when there is one. Written by hand: the Quarkus JSON logging extension is not available to this
 * build, and these few fields need only correct string escaping.
 */
public final class JsonLogFormatter extends ExtFormatter {

    @Override
    public String format(ExtLogRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"timestamp\":");
        string(out, record.getInstant().toString());
        out.append(",\"level\":");
        string(out, record.getLevel().getName());
        out.append(",\"logger\":");
        string(out, record.getLoggerName());
        out.append(",\"thread\":");
        string(out, record.getThreadName());
        out.append(",\"message\":");
        string(out, record.getFormattedMessage());
        for (Map.Entry<String, String> e : record.getMdcCopy().entrySet()) {
            if (!isFixed(e.getKey())) {
                out.append(',');
                string(out, e.getKey());
                out.append(':');
                string(out, e.getValue());
            }
        }
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            out.append(",\"exception\":");
            string(out, trace.toString());
        }
        return out.append("}\n").toString();
    }

    private static boolean isFixed(String key) {
        return switch (key) {
            case "timestamp", "level", "logger", "thread", "message", "exception" -> true;
            default -> false;
        };
    }

    /** RFC 8259 §7: quotes, backslash and control characters escaped; null as JSON null. */
    static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
