import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The report of the Keyfair benchmark (bench/run), JDK only: rows, then metrics, then targets,
 * then bench/RESULTS.md. bench/run starts things, runs wrk and samples the CPU; this computes.
 *
 * <pre>
 * java bench/Report.java header        the table's header and rule (bench/run prints them first)
 * java bench/Report.java row           a table line for each run read on stdin (printed as it ends)
 * java bench/Report.java write --rows FILE --context FILE [--signcost FILE] [--profiles DIR] --out FILE
 *                                      prints the table and writes the whole RESULTS.md to --out
 * </pre>
 *
 * Input, all written by bench/run: one JSON line per measured run ({@link Row}: what wrk or
 * bench/Driver.java counted plus the CPU ticks around the run), one JSON object with the run's
 * context ({@link Context}: machine, JDK, stack, start-up times, memory), bench/SignCost.java's
 * output ({@link SignCost}) and bench/JfrSummary.java's profiles ({@link Profiles}).
 * bench/testdata/ holds the inputs of the committed RESULTS.md: `bench/testdata/check` writes
 * them through this program and compares.
 *
 * Numbers are printed as C's printf prints them (the exact binary value, ties to even), and a
 * figure computed from others uses them as printed, so a note's arithmetic can be redone by hand
 * from the table.
 */
public class Report {

    // ------------------------------------------------------------------------------ targets

    /** At most this p99 (ms) for a client_credentials token. */
    static final double TOKEN_P99_MAX_MS = 10;
    /** token-service's CPU per client_credentials token, at most this many times one signature. */
    static final double CPU_PER_TOKEN_MAX_SIGNATURES = 1.3;
    /** A service is ready this soon (ms) after its JVM starts. */
    static final long READY_MAX_MS = 2000;
    /** A service's resident memory (MB) after the whole run. */
    static final long RSS_MAX_MB = 200;
    /** OWASP's minimum for Argon2id (m KiB, t iterations, p lanes). */
    static final Argon2 OWASP_ARGON2_MINIMUM = new Argon2(19456, 2, 1);
    /** Logins are bounded by hashing when one hash is at least this share (%) of a flow's CPU ... */
    static final long HASH_SHARE_MIN_PERCENT = 67;
    /** ... and the machine was CPU-bound: at least this share of its cores busy. */
    static final double CPU_BOUND_SHARE = 0.9;

    /**
     * A rate a scenario must reach direct to its service; when missed, a note says what bounds it,
     * including the RS256 signatures each request needs (0: none named).
     */
    record RateTarget(String scenario, long perSecond, String service, String label, int rs256Signatures, String signatures) {
        String text() {
            return label + " ≥ " + perSecond + "/s";
        }
    }

    /** client_credentials with a client whose tokens are signed with {@code alg}: rate, p99, errors, CPU per token. */
    record TokenTarget(String alg, RateTarget rate) {
        TokenTarget(String scenario, String alg, long perSecond) {
            this(alg, new RateTarget(scenario, perSecond, "token-service", "client_credentials " + alg + ", direct", 0, null));
        }
    }

    static final List<TokenTarget> TOKEN_TARGETS = List.of(
            new TokenTarget("cc_rs256", "RS256", 5000),
            new TokenTarget("cc_es256", "ES256", 12000));
    static final List<RateTarget> RATE_TARGETS = List.of(
            new RateTarget("refresh", 3000, "token-service", "refresh_token rotation (PostgreSQL write included), direct",
                    1, "one RS256 signature (the access token)"),
            new RateTarget("code", 3000, "token-service", "authorization_code exchange, direct",
                    2, "two RS256 signatures (the access token and the ID token)"),
            new RateTarget("userinfo", 15000, "userinfo-service", "userinfo over distinct RS256 tokens, direct", 0, null),
            new RateTarget("introspect", 12000, "token-service", "introspection over distinct RS256 tokens, direct", 0, null));
    static final RateTarget BROWSER_TARGET = new RateTarget("browser", 50, "authorize-service+token-service",
            "full browser flow (login with Argon2id, remembered consent, code, token), direct", 0, null);
    static final String BROWSER_NOT_MEASURED = "full browser flow ≥ 50/s";

    enum Verdict {
        MET("met"), NOT_MET("**not met**"), NOT_MEASURED("not measured");

        final String text;

        Verdict(String text) {
            this.text = text;
        }

        static Verdict of(boolean met) {
            return met ? MET : NOT_MET;
        }
    }

    /** One line of the Targets table. */
    record TargetLine(String target, String measured, Verdict verdict) {
        String markdown() {
            return "| " + target + " | " + measured + " | " + verdict.text + " |";
        }
    }

    // ------------------------------------------------------------------------------ rows

    /** CPU clock ticks (utime+stime, proc(5)) used during a measured run. */
    record CpuTicks(long service, long nginx, long db, long client, long machine) {
        static CpuTicks of(Json o) {
            return new CpuTicks(o.num("service"), o.num("nginx"), o.num("db"), o.num("client"), o.num("machine"));
        }
    }

    /**
     * One measured run: requests (browser: full flows) in {@code durationUs}, latency percentiles,
     * errors of every kind, the CPU ticks of the target service(s), nginx, PostgreSQL+Redis, the
     * load generator and the whole machine over the sampling window ({@code windowUs}, 0: the
     * duration), the target services' RSS (MB, null when unreadable) and a note.
     */
    record Row(String scenario, String via, long requests, long durationUs, long windowUs, long p50Us, long p99Us,
               long errors, long clockTicksPerSecond, CpuTicks cpu, List<Long> rssMb, String note) {

        static Row of(Json o) {
            return new Row(o.str("scenario"), o.str("via"), o.num("requests"), o.num("duration_us"), o.num("window_us"),
                    o.num("p50_us"), o.num("p99_us"), o.num("errors"), o.num("clk_tck"), CpuTicks.of(o.obj("cpu_ticks")),
                    o.list("rss_mb").stream().map(v -> v == null ? null : ((BigDecimal) v).longValue()).collect(Collectors.toList()),
                    o.has("note") ? o.str("note") : "");
        }

        double seconds() {
            return durationUs / 1e6;
        }

        double window() {
            return windowUs > 0 ? windowUs / 1e6 : seconds();
        }

        double perSecond() {
            return seconds() > 0 ? requests / seconds() : 0;
        }

        /** CPU seconds per 1,000 requests. */
        double per1k(long ticks) {
            double k = requests > 0 ? 1000.0 / requests : 0;
            return ticks / (double) clockTicksPerSecond * k;
        }

        double cores(long ticks) {
            return ticks / (double) clockTicksPerSecond / window();
        }

        /** CPU µs per request. */
        double usPerRequest(long ticks) {
            return ticks / (double) clockTicksPerSecond / (requests > 0 ? requests : 1) * 1e6;
        }

        String rss() {
            return rssMb.stream().map(v -> v == null ? "?" : v.toString()).collect(Collectors.joining(","));
        }

        String tableLine() {
            return String.format("| %-10s | %-6s | %8s | %7s | %7s | %6d | %12s | %9s | %9s | %-28s | %-9s |",
                    scenario, via, fixed(perSecond(), 0), fixed(p50Us / 1000.0, 2), fixed(p99Us / 1000.0, 2), errors,
                    fixed(per1k(cpu.service), 3), fixed(per1k(cpu.nginx), 3), fixed(per1k(cpu.db), 3),
                    String.join("/", fixed(cores(cpu.service), 2), fixed(cores(cpu.nginx), 2), fixed(cores(cpu.db), 2),
                            fixed(cores(cpu.client), 2), fixed(cores(cpu.machine), 2)),
                    rss());
        }
    }

    static final String TABLE_HEADER = String.format("| %-10s | %-6s | %8s | %7s | %7s | %6s | %12s | %9s | %9s | %-28s | %-9s |",
            "scenario", "via", "req/s", "p50 ms", "p99 ms", "errors", "svc CPU-s/1k", "nginx /1k", "db /1k",
            "cores svc/ngx/db/client/all", "RSS MB");
    static final String TABLE_RULE = TABLE_HEADER.replaceAll("[^|]", "-");

    // ------------------------------------------------------------------------------ metrics

    /**
     * A run's figures as the report prints them (rounded: per second to a whole number, latency and cores to
     * 0.01, CPU µs to 0.1), which the targets and notes compute with.
     */
    record Metrics(long perSecond, double p50Ms, double p99Ms, long errors, double serviceUs, double serviceCores,
                   double nginxCores, double dbCores, double clientCores, double allCores, double othersUs, String note) {

        static Metrics of(Row r) {
            CpuTicks c = r.cpu();
            return new Metrics(Long.parseLong(fixed(r.perSecond(), 0)), round(r.p50Us() / 1000.0, 2), round(r.p99Us() / 1000.0, 2),
                    r.errors(), round(r.usPerRequest(c.service()), 1), round(r.cores(c.service()), 2), round(r.cores(c.nginx()), 2),
                    round(r.cores(c.db()), 2), round(r.cores(c.client()), 2), round(r.cores(c.machine()), 2),
                    round(r.usPerRequest(c.nginx() + c.db() + c.client()), 1), r.note());
        }

        /** The line's "other CPU users (cores): ..." part, when something else kept the CPUs busy. */
        Optional<String> otherCpuUsers() {
            Matcher m = Pattern.compile("other CPU users[^;]*").matcher(note);
            return m.find() ? Optional.of(m.group()) : Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------ context

    record Argon2(long m, long t, long p) {
        static final Pattern FORMAT = Pattern.compile("m=([0-9]+),t=([0-9]+),p=([0-9]+)");

        static Argon2 parse(String params) {
            Matcher x = FORMAT.matcher(params);
            if (!x.matches()) {
                throw new IllegalArgumentException("Argon2id parameters are not m=..,t=..,p=..: " + params);
            }
            return new Argon2(Long.parseLong(x.group(1)), Long.parseLong(x.group(2)), Long.parseLong(x.group(3)));
        }

        boolean atLeast(Argon2 min) {
            return m >= min.m && t >= min.t && p >= min.p;
        }
    }

    /** Where a service's resident memory was after the whole run (KiB, as /proc/PID/smaps and status say). */
    record RssSplit(long startupCacheKib, long mainHeapKib, Long javaHeapMb, boolean jfrRecorded, long anonymousKib, long fileKib) {
        static RssSplit of(Json o) {
            return new RssSplit(o.num("startup_cache_kib"), o.num("main_heap_kib"), o.optNum("java_heap_mb"),
                    o.bool("jfr_recorded"), o.num("anonymous_kib"), o.num("file_kib"));
        }

        String text() {
            return "start-up cache " + startupCacheKib / 1024 + " MB, glibc main heap " + mainHeapKib / 1024 + " MB"
                    + (javaHeapMb == null ? "" : ", Java heap " + javaHeapMb + " MB committed")
                    + (jfrRecorded ? "; JFR recorded this process in this run, and its classes and buffers stay" : "")
                    + "; " + anonymousKib / 1024 + " MB anonymous, " + fileKib / 1024 + " MB mapped from files";
        }
    }

    /**
     * A service after the run: its spare instance's readiness ({@code readyAfter}: ms, "?" when its
     * port was taken, "failed"; null when readiness was not measured), its RSS (MB, null: unreadable).
     */
    record Service(String name, String readyAfter, String startedIn, String stackStartedIn, Long rssMb, RssSplit rss) {
        static Service of(Json o) {
            return new Service(o.str("name"), o.optStr("ready_after"), o.optStr("started_in"), o.optStr("stack_started_in"),
                    o.optNum("rss_mb"), RssSplit.of(o.obj("rss")));
        }

        String rssText() {
            return rssMb == null ? "?" : rssMb.toString();
        }
    }

    /** The run's context: everything bench/run knows about the machine and the stack it loaded. */
    record Context(String date, String command, String stateDir, long cores, String cpuModel, long memKib, String os,
                   String kernel, String javaVersion, String javaExe, String jvmFlags, String cryptoProvider, String cryptoNote,
                   String issuer, String stackCommit, boolean stackUncommitted, String stackRoot, String wrkVersion,
                   long threads, long connections, long warmupSeconds, long durationSeconds, long users, long introspectTokens,
                   long userinfoTokens, String argon2Params, String argon2Source, boolean readinessMeasured, List<Service> services) {

        static Context of(Json o) {
            return new Context(o.str("date"), o.str("command"), o.optStr("state_dir"), o.num("cores"), o.str("cpu_model"),
                    o.num("mem_kib"), o.str("os"), o.str("kernel"), o.str("java_version"), o.str("java_exe"), o.str("jvm_flags"),
                    o.str("crypto_provider"), o.str("crypto_note"), o.str("issuer"), o.str("stack_commit"),
                    o.bool("stack_uncommitted"), o.str("stack_root"), o.str("wrk_version"), o.num("threads"),
                    o.num("connections"), o.num("warmup_s"), o.num("duration_s"), o.num("users"), o.num("introspect_tokens"),
                    o.num("userinfo_tokens"), o.str("argon2_params"), o.str("argon2_source"), o.bool("readiness_measured"),
                    o.list("services").stream().map(s -> Service.of((Json) s)).collect(Collectors.toList()));
        }

        /** java -version's first and third lines ("openjdk version ...", "OpenJDK 64-Bit Server VM ..."). */
        String jdk() {
            String[] lines = javaVersion.split("\n");
            String joined = lines.length > 2 ? lines[0] + "," + lines[2] : lines[0];
            return joined.replaceFirst(",", ", ");
        }

        String wrk() {
            String[] words = wrkVersion.split(" ", -1);
            return words.length < 2 ? wrkVersion : words[0] + " " + words[1];
        }
    }

    // ------------------------------------------------------------------------------ signature cost

    record Signature(String alg, String provider, String usCpu, String perSecond) {}

    record Hash(String impl, String m, String t, String p, String msCpu, String perSecond) {}

    /**
     * bench/SignCost.java's output: "SIGN alg=.. provider=.. us_cpu=.. per_s=.." and "HASH impl=..
     * alg=argon2id m=.. t=.. p=.. ms_cpu=.. per_s=.." lines (the first HASH line is the
     * implementation authorize-service uses), and anything else it had to say.
     */
    record SignCost(boolean measured, List<Signature> signatures, List<Hash> hashes, List<String> other) {
        static SignCost of(List<String> lines) {
            var signatures = new ArrayList<Signature>();
            var hashes = new ArrayList<Hash>();
            var other = new ArrayList<String>();
            for (String line : lines) {
                Map<String, String> f = fields(line);
                if (line.startsWith("SIGN")) {
                    if (line.startsWith("SIGN ")) {
                        signatures.add(new Signature(f.get("alg"), f.get("provider"), f.get("us_cpu"), f.get("per_s")));
                    }
                } else if (line.startsWith("HASH")) {
                    if (f.containsKey("impl") && f.containsKey("ms_cpu")) {
                        hashes.add(new Hash(f.get("impl"), f.get("m"), f.get("t"), f.get("p"), f.get("ms_cpu"), f.get("per_s")));
                    }
                } else {
                    other.add(line);
                }
            }
            return new SignCost(!lines.isEmpty(), signatures, hashes, other);
        }

        static Map<String, String> fields(String line) {
            var f = new LinkedHashMap<String, String>();
            for (String word : line.split(" ")) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    f.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
            return f;
        }

        /** µs of CPU for one signature with the active provider (ACCP when it is Corretto, else the JDK's). */
        Optional<String> signatureUs(String alg, String cryptoProvider) {
            String provider = cryptoProvider.contains("Corretto") ? "Corretto" : "JDK";
            return signatures.stream().filter(s -> alg.equals(s.alg()) && s.provider() != null && s.provider().contains(provider))
                    .map(Signature::usCpu).findFirst();
        }

        Optional<Hash> hash() {
            return hashes.stream().findFirst();
        }
    }

    // ------------------------------------------------------------------------------ profiles

    /** bench/JfrSummary.java's summaries, one file per scenario (absent: not profiled). */
    record Profiles(Path dir) {
        List<String> lines(String scenario) {
            Path file = dir.resolve(scenario + ".txt");
            try {
                return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
            } catch (IOException e) {
                return List.of();
            }
        }

        /** The first {@code n} layers, on one line ("84.9 % signatures (ACCP, native), 4.4 % HTTP server ..."). */
        String layers(String scenario, int n) {
            var out = new ArrayList<String>();
            boolean on = false;
            for (String line : lines(scenario)) {
                if (!on) {
                    on = line.startsWith("CPU samples by layer");
                } else if (line.isBlank() || out.size() == n) {
                    break;
                } else {
                    out.add(line.replaceFirst("^ +", "").replaceFirst(" %  ", " % "));
                }
            }
            return String.join(", ", out);
        }

        String gc(String scenario) {
            return lines(scenario).stream().filter(l -> l.startsWith("GC:")).findFirst().map(l -> l.replaceFirst("^GC: ", "")).orElse("");
        }

        String reference(String scenario) {
            String layers = layers(scenario, 6);
            return layers.isEmpty() ? "(not profiled in this run)"
                    : "JFR profile (bench/profiles/" + scenario + ".txt), CPU samples by layer: " + layers + ".";
        }
    }

    // ------------------------------------------------------------------------------ evaluation

    final List<Row> rows;
    final Context context;
    final SignCost signCost;
    final Profiles profiles;
    final List<TargetLine> targets = new ArrayList<>();
    /** "What bounds the missed targets": one bullet per missed target that can be explained. */
    final List<String> bounds = new ArrayList<>();

    Report(List<Row> rows, Context context, SignCost signCost, Profiles profiles) {
        this.rows = rows;
        this.context = context;
        this.signCost = signCost;
        this.profiles = profiles;
        evaluate();
    }

    Optional<Metrics> direct(String scenario) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.via().equals("direct")).findFirst().map(Metrics::of);
    }

    void target(String what, String measured, Verdict verdict) {
        targets.add(new TargetLine(what, measured, verdict));
    }

    void evaluate() {
        Optional<String> rsSignature = signCost.signatureUs("RS256", context.cryptoProvider());
        for (TokenTarget token : TOKEN_TARGETS) {
            tokenTargets(token, signCost.signatureUs(token.alg(), context.cryptoProvider()));
        }
        for (RateTarget rate : RATE_TARGETS) {
            Optional<String> signatures = rate.rs256Signatures() == 0 ? Optional.empty()
                    : rsSignature.map(s -> fixed(Double.parseDouble(s) * rate.rs256Signatures(), 1));
            rateTarget(rate, signatures);
        }
        browserTargets();
        readinessTargets();
        memoryTargets();
    }

    void rateTarget(RateTarget rate, Optional<String> signatureUs) {
        Optional<Metrics> m = direct(rate.scenario());
        if (m.isEmpty()) {
            target(rate.text(), "not measured", Verdict.NOT_MEASURED);
            return;
        }
        boolean met = m.get().perSecond() >= rate.perSecond();
        target(rate.text(), m.get().perSecond() + "/s (p99 " + fixed(m.get().p99Ms(), 2) + " ms, " + m.get().errors() + " errors)",
                Verdict.of(met));
        if (!met) {
            boundNote(rate, m.get(), signatureUs);
        }
    }

    /** What limits a scenario that missed its rate, from its CPU split. */
    void boundNote(RateTarget rate, Metrics m, Optional<String> signatureUs) {
        long cores = context.cores();
        double maxUs = round(cores / (double) rate.perSecond() * 1e6 - m.othersUs(), 0);
        var note = new StringBuilder();
        note.append("- **").append(rate.scenario()).append("** (").append(m.perSecond()).append("/s, target ").append(rate.perSecond())
                .append("/s): the machine was busy ").append(fixed(m.allCores(), 2)).append(" of ").append(cores).append(" cores: ")
                .append(fixed(m.serviceCores(), 2)).append(' ').append(rate.service()).append(", ")
                .append(fixed(m.dbCores(), 2)).append(" PostgreSQL+Redis, ").append(fixed(m.clientCores(), 2)).append(" load generator, ")
                .append(fixed(m.allCores() - m.serviceCores() - m.dbCores() - m.clientCores() - m.nginxCores(), 2))
                .append(" everything else.");
        m.otherCpuUsers().ifPresent(other -> note.append(" (").append(other).append(')'));
        note.append(' ').append(rate.service()).append(" spends ").append(us(m.serviceUs())).append(" of CPU per request; with the load generator, nginx and the databases costing what they did (")
                .append(us(m.othersUs())).append(" per request), ").append(rate.perSecond()).append("/s on ").append(cores)
                .append(" cores leaves at most ").append(us(maxUs)).append(" per request for the service.");
        // what the service cannot do without: its signatures; when they alone exceed what is
        // left, no cut of the service's own overhead reaches the target on this machine
        if (signatureUs.isPresent()) {
            double signatures = Double.parseDouble(signatureUs.get());
            if (signatures >= maxUs) {
                note.append(" Its ").append(rate.signatures()).append(" alone cost ").append(us(signatures))
                        .append(" per request (single thread, measured above), more than that: on this machine the target is out of reach even with no other cost in the service.");
            } else {
                note.append(" Its ").append(rate.signatures()).append(" cost ").append(us(signatures)).append(" of that.");
            }
        }
        if (cpuBound(m.allCores())) {
            note.append(" The machine was CPU-bound.");
        } else {
            note.append(" The machine was not fully busy (").append(fixed(m.allCores(), 2)).append(" of ").append(cores)
                    .append(" cores; p50 ").append(fixed(m.p50Ms(), 2)).append(" ms with ").append(context.connections())
                    .append(" connections): each request also waits for its PostgreSQL/Redis round trips, one request in flight per connection.");
        }
        note.append(' ').append(profiles.reference(rate.scenario()));
        bounds.add(note.toString());
    }

    boolean cpuBound(double allCores) {
        return allCores >= CPU_BOUND_SHARE * context.cores();
    }

    /** client_credentials: rate, p99, errors, and CPU per token against the signature. */
    void tokenTargets(TokenTarget token, Optional<String> signatureUs) {
        RateTarget rate = token.rate();
        String alg = token.alg();
        rateTarget(rate, Optional.empty());
        Optional<Metrics> measured = direct(rate.scenario());
        if (measured.isEmpty()) {
            return;
        }
        Metrics m = measured.get();
        String p99 = fixed(m.p99Ms(), 2);
        boolean p99Met = m.p99Ms() <= TOKEN_P99_MAX_MS;
        target("client_credentials " + alg + " p99 ≤ " + fixed(TOKEN_P99_MAX_MS, 0) + " ms", p99 + " ms", Verdict.of(p99Met));
        if (!p99Met) {
            bounds.add("- **" + rate.scenario() + " p99** " + p99 + " ms (p50 " + fixed(m.p50Ms(), 2) + " ms) with " + context.connections()
                    + " connections on " + context.cores() + " shared cores; GC in that run: " + profiles.gc(rate.scenario()) + ".");
        }
        target("client_credentials " + alg + " zero errors", Long.toString(m.errors()), Verdict.of(m.errors() <= 0));
        String us = fixed(m.serviceUs(), 1);
        if (signatureUs.isEmpty()) {
            target("token-service CPU per " + alg + " token ≤ " + fixed(CPU_PER_TOKEN_MAX_SIGNATURES, 1) + " × one signature",
                    us + " µs per token (signature cost not measured)", Verdict.NOT_MEASURED);
            return;
        }
        String sig = signatureUs.get();
        double signature = Double.parseDouble(sig);
        double ratio = round(m.serviceUs() / signature, 2);
        boolean met = ratio <= CPU_PER_TOKEN_MAX_SIGNATURES;
        target("token-service CPU per " + alg + " token ≤ " + fixed(CPU_PER_TOKEN_MAX_SIGNATURES, 1) + " × one " + alg + " signature ("
                        + context.cryptoProvider() + ")",
                us + " µs per token = " + fixed(ratio, 2) + " × " + sig + " µs", Verdict.of(met));
        if (!met) {
            String beyond = fixed(m.serviceUs() - signature, 0);
            var note = new StringBuilder("- **CPU per " + alg + " token**: " + us + " µs against " + sig
                    + " µs for the bare signature with " + context.cryptoProvider() + " (" + fixed(ratio, 2) + "×): " + beyond
                    + " µs per token go to everything else.");
            direct("jwks").ifPresent(jwks -> note.append(" GET /oauth/jwks, which signs and authenticates nothing, costs token-service ")
                    .append(fixed(jwks.serviceUs(), 1)).append(" µs per request in this run: that is the HTTP floor of this JVM stack on this machine (one read and one write system call per request over loopback, Vert.x, the REST layer), and ")
                    .append(beyond).append(" µs above the signature is ").append(fixed((m.serviceUs() - signature) / jwks.serviceUs(), 2))
                    .append("× that floor."));
            note.append(' ').append(profiles.reference(rate.scenario()));
            bounds.add(note.toString());
        }
    }

    /** The browser flow: rate, Argon2id parameters, and whether hashing is what bounds it. */
    void browserTargets() {
        Optional<Metrics> measured = direct(BROWSER_TARGET.scenario());
        if (measured.isEmpty()) {
            target(BROWSER_NOT_MEASURED, "not measured", Verdict.NOT_MEASURED);
            return;
        }
        rateTarget(BROWSER_TARGET, Optional.empty());
        Argon2 argon2 = Argon2.parse(context.argon2Params());
        Argon2 min = OWASP_ARGON2_MINIMUM;
        target("Argon2id at or above OWASP's minimum (m=" + min.m() + " KiB, t=" + min.t() + ", p=" + min.p() + ")",
                context.argon2Params() + " (" + context.argon2Source() + ")", Verdict.of(argon2.atLeast(min)));
        Optional<Hash> hash = signCost.hash();
        if (hash.isEmpty()) {
            return;
        }
        Metrics m = measured.get();
        double hashMs = Double.parseDouble(hash.get().msCpu());
        double flowMs = round(m.serviceUs() / 1000, 1);
        long share = Long.parseLong(fixed(flowMs > 0 ? 100 * hashMs / flowMs : 0, 0));
        target("login rate bounded by password hashing (hash ≥ 2/3 of the services' CPU per flow, machine busy)",
                "one hash (" + hash.get().impl() + ") " + hash.get().msCpu() + " ms = " + share + " % of " + fixed(flowMs, 1)
                        + " ms authorize+token CPU per flow; machine busy " + fixed(m.allCores(), 2) + " of " + context.cores() + " cores",
                Verdict.of(share >= HASH_SHARE_MIN_PERCENT && cpuBound(m.allCores())));
        if (share < HASH_SHARE_MIN_PERCENT) {
            bounds.add("- **browser flow**: one Argon2id hash is " + hash.get().msCpu() + " ms of CPU but authorize-service+token-service spend "
                    + fixed(flowMs, 1) + " ms per flow: " + fixed(flowMs - hashMs, 1)
                    + " ms per flow go elsewhere (page rendering, sessions, Redis/PostgreSQL calls, code exchange). "
                    + profiles.reference(BROWSER_TARGET.scenario()));
        }
    }

    void readinessTargets() {
        for (Service s : context.services()) {
            String what = s.name() + " ready ≤ " + fixed(READY_MAX_MS / 1000.0, 0) + " s after start (JVM)";
            if (s.readyAfter() == null || s.readyAfter().isEmpty()) {
                target(what, "not measured", Verdict.NOT_MEASURED);
                continue;
            }
            String digits = s.readyAfter().replaceAll("[^0-9]", "");
            boolean met = !digits.isEmpty() && Double.parseDouble(digits) <= READY_MAX_MS;
            target(what, s.readyAfter() + " ms", Verdict.of(met));
            if (!met) {
                bounds.add("- **" + s.name() + " start-up**: ready " + s.readyAfter() + " ms after the JVM started (Quarkus: started in "
                        + orUnknown(s.startedIn()) + "), with JVM flags " + context.jvmFlags()
                        + ". The start is class loading and linking; deploy/local/up trains an AOT cache (JDK 25+) or a CDS archive for each service to skip most of it: check that the service started with one (-XX:AOTCache / -XX:SharedArchiveFile).");
            }
        }
    }

    void memoryTargets() {
        for (Service s : context.services()) {
            // (an unreadable RSS counts as 0, as it always has)
            boolean met = (s.rssMb() == null ? 0 : s.rssMb()) <= RSS_MAX_MB;
            target(s.name() + " ≤ " + RSS_MAX_MB + " MB resident after the whole run", s.rssText() + " MB", Verdict.of(met));
            if (!met) {
                bounds.add("- **" + s.name() + " RSS** " + s.rssText() + " MB after the run (" + s.rss().text() + "; JVM flags: "
                        + context.jvmFlags()
                        + "): the rest is JIT code, metaspace (classes loaded after the start-up cache was trained), thread stacks and what native libraries allocate themselves, which the JVM does not track.");
            }
        }
    }

    // ------------------------------------------------------------------------------ RESULTS.md

    List<String> table() {
        var lines = new ArrayList<String>();
        lines.add(TABLE_HEADER);
        lines.add(TABLE_RULE);
        rows.forEach(r -> lines.add(r.tableLine()));
        return lines;
    }

    String markdown() {
        Context c = context;
        var md = new ArrayList<String>();
        md.add("# Keyfair benchmark results");
        md.add("");
        md.add("Written by `bench/run`; do not edit by hand.");
        md.add("");
        md.add("- **Date:** " + c.date());
        md.add("- **Command:** `" + c.command() + "`" + (isEmpty(c.stateDir()) ? "" : " with `KEYFAIR_STATE_DIR=" + c.stateDir() + "`"));
        md.add("- **Machine:** " + c.cores() + " cores, " + c.cpuModel() + ", " + fixed(c.memKib() / 1048576.0, 1) + " GiB RAM, " + c.os()
                + ", kernel " + c.kernel());
        md.add("- **JDK:** " + c.jdk() + " (" + c.javaExe() + "); service JVM flags: `" + c.jvmFlags() + "`");
        md.add("- **Crypto provider:** " + c.cryptoProvider() + " (" + c.cryptoNote() + ")");
        md.add("- **Stack:** issuer " + c.issuer() + ", commit " + c.stackCommit() + (c.stackUncommitted() ? " (with uncommitted changes)" : "")
                + " of " + c.stackRoot() + ", JVM mode");
        md.add("- **Load:** " + c.wrk() + " on the same machine, " + c.threads() + " threads, " + c.connections() + " connections, "
                + c.warmupSeconds() + " s warm-up then " + c.durationSeconds()
                + " s measured per scenario and target; the browser flow uses bench/Driver.java with " + c.connections() + " concurrent browsers");
        md.add("");
        md.add("## Results");
        md.add("");
        md.addAll(table());
        md.add("");
        md.add("""
                - **via**: `direct` = the service's own port (127.0.0.1:8081-8084), `nginx` = through the ingress at
                  the issuer (http://localhost:8080).
                - **req/s**: completed requests (browser: completed full flows) per second of the measured run;
                  **p50/p99**: latency of one request (browser: of one full flow) as the load generator saw it.
                - **errors**: non-2xx/3xx answers, socket errors and timeouts, plus answers with an unexpected
                  2xx/3xx (e.g. a token response without a token); for flows, every flow that did not end with tokens.
                - **svc CPU-s/1k**, **nginx /1k**, **db /1k**: CPU seconds (user+system, from /proc/<pid>/stat)
                  per 1,000 requests of the target service's java process (browser: authorize-service +
                  token-service), of nginx (master + workers; reported separately, not summed into the service's)
                  and of PostgreSQL + Redis, over the measured run.
                - **cores**: average cores busy during the run: service / nginx / PostgreSQL+Redis / load generator
                  / whole machine (the rest of "all" is other processes).
                - **RSS MB**: VmRSS of the target service(s) right after its run.""");
        md.add("");
        List<Row> noted = rows.stream().filter(r -> !r.note().isEmpty()).collect(Collectors.toList());
        if (!noted.isEmpty()) {
            md.add("Notes:");
            md.add("");
            noted.forEach(r -> md.add("- " + r.scenario() + " via " + r.via() + ": " + r.note()));
            md.add("");
        }
        md.add("""
                How the scenarios are made: fixtures are created through the admin API (an RS256 and an ES256
                client_credentials client, a web client with authorization_code + refresh_token and
                refresh_grace_seconds 0, a resource server with introspection_allowed, %d users who signed in
                and approved consent once). **cc_*** posts client_credentials with Basic auth. **introspect**
                round-robins over %d distinct RS256 client_credentials tokens
                (each checked active in the warm-up). **userinfo** round-robins over %d
                distinct user access tokens of the %d users (code exchanges). **refresh** gives each connection
                its own refresh family, always refreshed with its newest token, one request in flight per family
                (fresh families for each run). **code** exchanges codes minted (authorize with each user's session
                and remembered consent) just before the run; codes live 60 s, so a run and its minting fit in 50 s.
                **browser** is a fresh cookie jar per flow: authorize, login page, login (Argon2id), code (consent
                remembered), token exchange. **jwks** is GET /oauth/jwks, the HTTP ceiling of the same stack."""
                .formatted(c.users(), c.introspectTokens(), c.userinfoTokens(), c.users()));
        md.add("");
        md.add("## Cost of one signature and one password hash (single thread, CPU time)");
        md.add("");
        if (signCost.measured()) {
            md.add("| what | provider | µs CPU | per second per core |");
            md.add("|---|---|---|---|");
            signCost.signatures().forEach(s -> md.add("| " + s.alg() + " signature | " + s.provider() + " | " + s.usCpu() + " | " + s.perSecond() + " |"));
            signCost.hashes().forEach(h -> md.add("| Argon2id hash m=" + h.m() + " t=" + h.t() + " p=" + h.p() + " | " + h.impl() + " | "
                    + fixed(Double.parseDouble(h.msCpu()) * 1000, 0) + " | " + h.perSecond() + " |"));
            signCost.other().forEach(line -> md.add("    " + line));
            md.add("");
            md.add("Signatures use the stack's active keys (keys.json); the active provider is " + c.cryptoProvider() + ". Hashes use");
            md.add("the parameters of the bench users' stored hashes; authorize-service uses native libargon2 when");
            md.add("it loads (the first Argon2id line when present), else Bouncy Castle.");
        } else {
            md.add("Not measured in this run.");
        }
        md.add("");
        md.add("## Readiness");
        md.add("");
        if (c.readinessMeasured()) {
            md.add("A spare instance of each service (same command line, environment and working directory as the");
            md.add("running one, on its port + 10000) was started alone on the idle machine; the time is from");
            md.add("starting the JVM to the first 200 from /q/health/ready. The running stack's own start (all four");
            md.add("services at once on " + c.cores() + " cores) is shown for comparison.");
            md.add("");
            md.add("| service | ready after | Quarkus \"started in\" | stack's own start, \"started in\" |");
            md.add("|---|---|---|---|");
            c.services().forEach(s -> md.add("| " + s.name() + " | " + orUnknown(s.readyAfter()) + " ms | " + orUnknown(s.startedIn()) + " | "
                    + orUnknown(s.stackStartedIn()) + " |"));
        } else {
            md.add("Not measured in this run.");
        }
        md.add("");
        md.add("## Resident memory after the whole run");
        md.add("");
        md.add("| service | RSS MB |");
        md.add("|---|---|");
        c.services().forEach(s -> md.add("| " + s.name() + " | " + s.rssText() + " |"));
        md.add("");
        md.add("## Targets");
        md.add("");
        md.add("2 cores, wrk on the same machine, JVM mode, direct to the service port, " + c.connections() + " connections.");
        md.add("");
        md.add("| target | measured | |");
        md.add("|---|---|---|");
        targets.forEach(t -> md.add(t.markdown()));
        md.add("");
        if (!bounds.isEmpty()) {
            md.add("## What bounds the missed targets");
            md.add("");
            md.addAll(bounds);
            md.add("");
        }
        return String.join("\n", md) + "\n";
    }

    // ------------------------------------------------------------------------------ numbers

    /** {@code x} with {@code decimals} decimals as C's printf("%.Nf") prints it: the exact binary value, ties to even. */
    static String fixed(double x, int decimals) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
        }
        String digits = new BigDecimal(Math.abs(x)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return (x < 0 || (x == 0 && 1 / x < 0) ? "-" : "") + digits;
    }

    /** {@code x} as printed with {@code decimals} decimals. */
    static double round(double x, int decimals) {
        return Double.parseDouble(fixed(x, decimals));
    }

    /** CPU time for people: "825 µs", or "36.8 ms" from 10 ms on. */
    static String us(double us) {
        return us >= 10000 ? fixed(us / 1000, 1) + " ms" : fixed(us, 0) + " µs";
    }

    static String orUnknown(String s) {
        return isEmpty(s) ? "?" : s;
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    // ------------------------------------------------------------------------------ JSON

    /** A JSON object as bench/run writes them with jq: just enough of RFC 8259 for that. */
    record Json(Map<String, Object> members) {
        static Json parse(String text) {
            var p = new Parser(text);
            Object v = p.value();
            p.space();
            if (p.i != text.length() || !(v instanceof Json)) {
                throw new IllegalArgumentException("not one JSON object: " + text);
            }
            return (Json) v;
        }

        boolean has(String k) {
            return members.get(k) != null;
        }

        Object get(String k) {
            if (!members.containsKey(k)) {
                throw new IllegalArgumentException("no \"" + k + "\" in " + members.keySet());
            }
            return members.get(k);
        }

        String str(String k) {
            return (String) get(k);
        }

        String optStr(String k) {
            return (String) members.get(k);
        }

        long num(String k) {
            return ((BigDecimal) get(k)).longValueExact();
        }

        Long optNum(String k) {
            Object v = members.get(k);
            return v == null ? null : ((BigDecimal) v).longValueExact();
        }

        boolean bool(String k) {
            return (Boolean) get(k);
        }

        Json obj(String k) {
            return (Json) get(k);
        }

        @SuppressWarnings("unchecked")
        List<Object> list(String k) {
            return (List<Object>) get(k);
        }
    }

    static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        void space() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + i + " in " + s);
        }

        void expect(char c) {
            space();
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                var members = new LinkedHashMap<String, Object>();
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return new Json(members);
                }
                do {
                    space();
                    String key = string();
                    expect(':');
                    if (members.put(key, value()) != null) {
                        throw error("duplicate member " + key);
                    }
                    space();
                } while (i < s.length() && s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') {
                    throw error("expected '}'");
                }
                return new Json(members);
            }
            if (c == '[') {
                i++;
                var items = new ArrayList<Object>();
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return items;
                }
                do {
                    items.add(value());
                    space();
                } while (i < s.length() && s.charAt(i++) == ',');
                if (s.charAt(i - 1) != ']') {
                    throw error("expected ']'");
                }
                return items;
            }
            if (c == '"') {
                return string();
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, i)) {
                    i += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            Matcher m = NUMBER.matcher(s).region(i, s.length());
            if (!m.lookingAt()) {
                throw error("unexpected '" + c + "'");
            }
            i = m.end();
            return new BigDecimal(m.group());
        }

        static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

        String string() {
            if (i >= s.length() || s.charAt(i) != '"') {
                throw error("expected a string");
            }
            i++;
            var out = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------ main

    static List<Row> rows(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).map(l -> Row.of(Json.parse(l))).collect(Collectors.toList());
    }

    public static void main(String[] args) throws IOException {
        var out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "header" -> {
                out.println(TABLE_HEADER);
                out.println(TABLE_RULE);
            }
            case "row" -> {
                var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                rows(in.lines().collect(Collectors.toList())).forEach(r -> out.println(r.tableLine()));
            }
            case "write" -> {
                Map<String, String> opts = new LinkedHashMap<>();
                for (int i = 1; i + 1 < args.length; i += 2) {
                    if (!args[i].startsWith("--")) {
                        usage();
                    }
                    opts.put(args[i].substring(2), args[i + 1]);
                }
                if (!opts.containsKey("rows") || !opts.containsKey("context") || !opts.containsKey("out")) {
                    usage();
                }
                var report = new Report(
                        rows(Files.readAllLines(Path.of(opts.get("rows")))),
                        Context.of(Json.parse(Files.readString(Path.of(opts.get("context"))))),
                        SignCost.of(opts.containsKey("signcost") && Files.isRegularFile(Path.of(opts.get("signcost")))
                                ? Files.readAllLines(Path.of(opts.get("signcost"))) : List.of()),
                        new Profiles(Path.of(opts.getOrDefault("profiles", "bench/profiles"))));
                report.table().forEach(out::println);
                Files.writeString(Path.of(opts.get("out")), report.markdown());
            }
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("usage: java bench/Report.java header | row < rows.jsonl"
                + " | write --rows FILE --context FILE [--signcost FILE] [--profiles DIR] --out FILE");
        System.exit(2);
    }
}
