import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's CPU went during one benchmark run, from a JFR recording (settings=profile):
 * every CPU sample is charged to the layer it was in (the innermost frame outside the JDK's own
 * collections and strings), then the hottest methods, self and inclusive. Run by bench/run with
 * the service's own java: {@code java bench/JfrSummary.java recording.jfr [top]}.
 *
 * Java-code samples (jdk.ExecutionSample, every 10 ms per thread) and samples of threads in
 * native code (jdk.NativeMethodSample, every 20 ms, so they count twice) are both used; threads
 * waiting in epoll or parked are idle, not CPU, and are left out. GC pauses and JIT compilation
 * are reported from their own events.
 */
public class JfrSummary {

    /** Layers by class-name prefix; the first prefix that matches names the layer. */
    private static final String[][] LAYERS = {
            {"com.amazon.corretto.", "signatures (ACCP, native)"},
            {"sun.security.", "signatures and digests (JDK)"},
            {"com.fasterxml.jackson.", "JSON (Jackson)"},
            {"com.nimbusds.", "JOSE (Nimbus)"},
            {"io.vertx.redis.", "Redis client"},
            {"io.quarkus.redis.", "Redis client"},
            {"io.vertx.pgclient.", "PostgreSQL client"},
            {"io.vertx.sqlclient.", "PostgreSQL client"},
            {"org.hibernate.", "Hibernate Reactive"},
            {"io.micrometer.", "metrics (Micrometer)"},
            {"io.quarkus.micrometer.", "metrics (Micrometer)"},
            {"io.smallrye.context.", "context propagation (SmallRye)"},
            {"io.quarkus.arc.", "CDI (ArC)"},
            {"io.smallrye.mutiny.", "Mutiny"},
            {"org.jboss.resteasy.reactive.", "REST layer (Quarkus REST)"},
            {"io.quarkus.resteasy.reactive.", "REST layer (Quarkus REST)"},
            {"io.quarkus.qute.", "templates (Qute)"},
            {"io.keyfair.", "Keyfair code"},
            {"io.netty.", "HTTP server (Vert.x, Netty)"},
            {"io.vertx.", "HTTP server (Vert.x, Netty)"},
            {"io.quarkus.vertx.", "HTTP server (Vert.x, Netty)"},
            {"sun.nio.ch.", "socket I/O system calls"},
            {"de.mkammerer.argon2.", "Argon2id (libargon2, native)"},
            {"com.sun.jna.", "Argon2id (libargon2, native)"},
            {"org.bouncycastle.", "Bouncy Castle"},
    };

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Double> layers = new HashMap<>();
        Map<String, Double> self = new HashMap<>();
        Map<String, Double> inclusive = new HashMap<>();
        double samples = 0;
        Duration gc = Duration.ZERO;
        Duration jit = Duration.ZERO;
        int gcs = 0;
        Instant first = null;
        Instant last = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (first == null || e.getStartTime().isBefore(first)) {
                first = e.getStartTime();
            }
            if (last == null || e.getEndTime().isAfter(last)) {
                last = e.getEndTime();
            }
            switch (type) {
                case "jdk.GarbageCollection" -> {
                    gc = gc.plus(e.getDuration("sumOfPauses"));
                    gcs++;
                }
                case "jdk.Compilation" -> jit = jit.plus(e.getDuration());
                case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                    RecordedStackTrace trace = e.getStackTrace();
                    if (trace == null || trace.getFrames().isEmpty() || idle(trace.getFrames().get(0))) {
                        continue;
                    }
                    double weight = type.equals("jdk.NativeMethodSample") ? 2 : 1;
                    samples += weight;
                    List<RecordedFrame> frames = trace.getFrames();
                    layers.merge(layerOf(frames), weight, Double::sum);
                    self.merge(name(frames.get(0)), weight, Double::sum);
                    List<String> seen = new ArrayList<>();
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        if (!seen.contains(n)) {
                            seen.add(n);
                            inclusive.merge(n, weight, Double::sum);
                        }
                    }
                }
                default -> {
                }
            }
        }
        double seconds = first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
        System.out.printf("recording: %s, %.1f s, %.0f CPU samples (native samples count twice)%n", file.getFileName(), seconds, samples);
        System.out.printf("GC: %d collections, %.0f ms of pauses (%.1f %% of the recording); JIT: %.0f ms compiling%n",
                gcs, gc.toNanos() / 1e6, seconds > 0 ? 100 * gc.toNanos() / 1e9 / seconds : 0, jit.toNanos() / 1e6);
        System.out.println();
        System.out.println("CPU samples by layer (innermost frame outside the JDK's collections and strings):");
        print(layers, samples, 40);
        System.out.println();
        System.out.println("hottest methods, self:");
        print(self, samples, top);
        System.out.println();
        System.out.println("hottest methods, inclusive (Keyfair, libraries; the event-loop plumbing left out):");
        Map<String, Double> filtered = new LinkedHashMap<>();
        inclusive.forEach((k, v) -> {
            if (!k.startsWith("java.") && !k.startsWith("jdk.") && !k.startsWith("io.netty.") && !k.startsWith("io.vertx.core.")
                    && !k.startsWith("io.vertx.ext.web.") && !k.startsWith("io.quarkus.vertx.http.runtime.")) {
                filtered.put(k, v);
            }
        });
        print(filtered, samples, top * 2);
    }

    private static boolean idle(RecordedFrame leaf) {
        String n = name(leaf);
        return n.startsWith("sun.nio.ch.EPoll.wait") || n.startsWith("jdk.internal.misc.Unsafe.park")
                || n.startsWith("java.lang.Object.wait") || n.startsWith("java.lang.Thread.sleep")
                || n.startsWith("sun.nio.ch.Net.poll") || n.startsWith("sun.nio.ch.Net.accept");
    }

    private static String layerOf(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String cls = f.getMethod().getType().getName();
            for (String[] layer : LAYERS) {
                if (cls.startsWith(layer[0])) {
                    return layer[1];
                }
            }
            if (!cls.startsWith("java.") && !cls.startsWith("jdk.") && !cls.startsWith("sun.")) {
                return "other libraries";
            }
        }
        return "JDK only";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(Map<String, Double> counts, double total, int limit) {
        counts.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .limit(limit)
                .forEach(e -> System.out.printf("  %5.1f %%  %s%n", total > 0 ? 100 * e.getValue() / total : 0, e.getKey()));
    }
}
