package io.keyfair.common.testing;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read of the service's `/q/metrics` (Prometheus text format), for tests that check a counter
 * moved: {@code Scrape.now().value("keyfair_oauth_errors_total", "endpoint", "token", "error", "invalid_client")}.
 */
public final class Scrape {

    /** One sample line: its name, its labels, its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final String text;
    private final List<Sample> samples;

    private Scrape(String text) {
        this.text = text;
        this.samples = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(Scrape::parse).toList();
    }

    public static Scrape now() {
        return new Scrape(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private static Sample parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Prometheus sample: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
        }
        return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
    }

    /** Every sample. */
    public List<Sample> samples() {
        return samples;
    }

    /** The exposition as served. */
    public String text() {
        return text;
    }

    /**
     * The sum of the samples of this name whose labels include these (name, value, name, value…);
     * 0 when there is none.
     */
    public double value(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The samples of this name whose labels include these. */
    public List<Sample> matching(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && has(s, labels)).toList();
    }

    private static boolean has(Sample s, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
