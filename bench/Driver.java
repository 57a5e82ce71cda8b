import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser side of the Keyfair benchmark (bench/run), JDK only: `java bench/Driver.java MODE ...`.
 *
 * <pre>
 * prepare  signs each user in once with the full browser flow, approving the consent page, and
 *          writes each user's session cookie ("kf_session=...") to --out: later authorize
 *          requests with that cookie answer with a code at once (code minting for wrk).
 * flow     the full browser flow in a loop for --warmup then --duration seconds, with
 *          --concurrency virtual browsers, each flow with a fresh cookie jar: GET /oauth/authorize
 *          -> 302 /login -> GET /login (CSRF cookie + form) -> POST /login (Argon2id) -> 303 to the
 *          redirect URI with a code (consent already remembered) -> POST /oauth/token. Prints one
 *          "BENCH ..." line (as bench/lua/common.lua does for wrk) plus the CPU ticks of the
 *          --cpu process groups over the measured window.
 * </pre>
 *
 * Options: --authorize-base URL (where /oauth/authorize and /login are sent; Location URLs on
 * the issuer are rewritten to it), --token-base URL, --issuer URL, --client-id (the secret in the
 * environment as BENCH_CLIENT_SECRET),
 * --redirect-uri, --scope, --users FILE (lines "username password"), --out FILE,
 * --concurrency N, --warmup S, --duration S, --cpu NAME=PID,PID (repeatable; "self" is this JVM,
 * "machine" the whole machine's busy ticks).
 */
public class Driver {

    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern REQ = Pattern.compile("name=\"req\" value=\"([^\"]+)\"");
    static final SecureRandom RANDOM = new SecureRandom();

    final Map<String, String> opts;
    final HttpClient http;
    final String authorizeBase;
    final String tokenBase;
    final String issuer;
    final String clientId;
    final String clientSecret;
    final String redirectUri;
    final String scope;
    final List<String[]> users;

    Driver(Map<String, String> opts, int concurrency) throws IOException {
        this.opts = opts;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(Math.max(2, concurrency / 4)))
                .build();
        this.authorizeBase = strip(need("authorize-base"));
        this.tokenBase = strip(opts.getOrDefault("token-base", authorizeBase));
        this.issuer = strip(need("issuer"));
        this.clientId = need("client-id");
        // the secret comes from the environment, out of the process listing
        this.clientSecret = opts.getOrDefault("client-secret", System.getenv("BENCH_CLIENT_SECRET"));
        this.redirectUri = need("redirect-uri");
        this.scope = opts.getOrDefault("scope", "openid");
        this.users = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(need("users")))) {
            if (!line.isBlank()) {
                users.add(line.split(" ", 2));
            }
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no users in " + need("users"));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java bench/Driver.java prepare|flow --option value ...");
            System.exit(2);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> cpu = new ArrayList<>();
        if (args[0].equals("dpop-proofs")) {
            for (int i = 1; i + 1 < args.length; i += 2) {
                opts.put(args[i].substring(2), args[i + 1]);
            }
            DpopProofs.write(opts);
            System.exit(0);
        }
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (args[i].equals("--cpu")) {
                cpu.add(args[i + 1]);
            } else {
                opts.put(args[i].substring(2), args[i + 1]);
            }
        }
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        Driver d = new Driver(opts, concurrency);
        switch (args[0]) {
            case "prepare" -> d.prepare(concurrency);
            case "flow" -> d.flow(concurrency, cpu);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- dpop-proofs

    /**
     * DPoP proofs (RFC 9449 §4) for wrk, which cannot sign: one ES256 key, then --count proofs
     * for `POST --htu`, each with its own random jti and the same iat (now plus --iat-ahead
     * seconds, at most 10: the server accepts proofs up to 10 s ahead and 60 s old), spread over
     * --threads files "--out.<tid>". Signed on every core with the JDK (P1363 signatures are the
     * JWS form of ES256).
     */
    static final class DpopProofs {

        static void write(Map<String, String> opts) throws Exception {
            String htu = Objects.requireNonNull(opts.get("htu"), "--htu");
            String out = Objects.requireNonNull(opts.get("out"), "--out");
            int count = Integer.parseInt(opts.getOrDefault("count", "1000"));
            int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
            long iat = System.currentTimeMillis() / 1000 + Math.min(10, Long.parseLong(opts.getOrDefault("iat-ahead", "5")));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) key.getPublic();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + b64.encodeToString(coordinate(pub.getW().getAffineX()))
                    + "\",\"y\":\"" + b64.encodeToString(coordinate(pub.getW().getAffineY())) + "\"}";
            String header = b64.encodeToString(("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}")
                    .getBytes(StandardCharsets.UTF_8));
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
            List<Future<?>> files = new ArrayList<>();
            for (int t = 1; t <= threads; t++) {
                int tid = t;
                int quota = count / threads + (t <= count % threads ? 1 : 0);
                files.add(pool.submit(() -> {
                    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
                    signer.initSign(key.getPrivate());
                    byte[] jti = new byte[16];
                    try (BufferedWriter w = Files.newBufferedWriter(Path.of(out + "." + tid))) {
                        for (int i = 0; i < quota; i++) {
                            RANDOM.nextBytes(jti);
                            String payload = b64.encodeToString(("{\"jti\":\"" + b64.encodeToString(jti) + "\",\"htm\":\"POST\",\"htu\":\""
                                    + htu + "\",\"iat\":" + iat + "}").getBytes(StandardCharsets.UTF_8));
                            String input = header + "." + payload;
                            signer.update(input.getBytes(StandardCharsets.US_ASCII));
                            w.write(input + "." + b64.encodeToString(signer.sign()));
                            w.newLine();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : files) {
                f.get();
            }
            pool.shutdown();
            System.err.printf("[bench] %d DPoP proofs signed in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
        }

        /** An EC coordinate as RFC 7518 §6.2.1.2 wants it: unsigned, big-endian, 32 bytes. */
        private static byte[] coordinate(BigInteger value) {
            byte[] raw = value.toByteArray();
            byte[] fixed = new byte[32];
            int from = Math.max(0, raw.length - 32);
            System.arraycopy(raw, from, fixed, 32 - (raw.length - from), raw.length - from);
            return fixed;
        }
    }

    // ---------------------------------------------------------------- prepare

    void prepare(int concurrency) throws Exception {
        String[] cookies = new String[users.size()];
        ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, 4));
        for (int i = 0; i < users.size(); i++) {
            int u = i;
            pool.submit(() -> {
                try {
                    Outcome o = browserFlow(users.get(u), true, false);
                    if (o.error != null) {
                        errors.computeIfAbsent(users.get(u)[0] + ": " + o.error, k -> new LongAdder()).increment();
                    } else {
                        cookies[u] = "kf_session=" + o.session;
                    }
                } catch (Exception e) {
                    errors.computeIfAbsent(users.get(u)[0] + ": " + e, k -> new LongAdder()).increment();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        if (!errors.isEmpty()) {
            errors.keySet().forEach(e -> System.err.println("prepare failed: " + e));
            System.exit(1);
        }
        Files.write(Path.of(need("out")), Arrays.asList(cookies));
        System.out.println("prepared " + cookies.length + " users (consent approved, session kept)");
    }

    // ---------------------------------------------------------------- flow

    void flow(int concurrency, List<String> cpuGroups) throws Exception {
        long warmup = Long.parseLong(opts.getOrDefault("warmup", "10"));
        long duration = Long.parseLong(opts.getOrDefault("duration", "20"));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String g : cpuGroups) {
            String[] kv = g.split("=", 2);
            List<String> pids = new ArrayList<>();
            for (String p : kv.length < 2 ? new String[0] : kv[1].split(",")) {
                if (!p.isBlank()) {
                    pids.add(p.trim());
                }
            }
            groups.put(kv[0], pids);
        }

        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        AtomicInteger next = new AtomicInteger();
        LongAdder flows = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder warmupFlows = new LongAdder();
        LongAdder warmupFailed = new LongAdder();
        ConcurrentHashMap<String, LongAdder> reasons = new ConcurrentHashMap<>();
        List<long[]> perThread = new ArrayList<>();
        Map<String, Long> cpuBefore = new LinkedHashMap<>();
        Map<String, Long> cpuAfter = new LinkedHashMap<>();

        // The server CPU is sampled at the start and the end of the measured window.
        java.util.concurrent.ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        var before = sampler.schedule(() -> groups.forEach((k, v) -> cpuBefore.put(k, ticks(v))),
                measureFrom - System.nanoTime(), TimeUnit.NANOSECONDS);
        var after = sampler.schedule(() -> groups.forEach((k, v) -> cpuAfter.put(k, ticks(v))),
                end - System.nanoTime(), TimeUnit.NANOSECONDS);

        // Throughput is the flows completed inside the window (whenever they started), divided by
        // its length; each of them also gives its latency.
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[1024];
                int n = 0;
                while (System.nanoTime() < end) {
                    String[] user = users.get(Math.floorMod(next.getAndIncrement(), users.size()));
                    long t0 = System.nanoTime();
                    String error;
                    try {
                        error = browserFlow(user, false, true).error;
                    } catch (Exception e) {
                        error = "exception " + e.getClass().getSimpleName();
                    }
                    long t1 = System.nanoTime();
                    if (t1 < measureFrom) {
                        (error == null ? warmupFlows : warmupFailed).increment();
                        continue;
                    }
                    if (t1 >= end) {
                        break;
                    }
                    if (error != null) {
                        failed.increment();
                        reasons.computeIfAbsent(error, k -> new LongAdder()).increment();
                    }
                    flows.increment();
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = (t1 - t0) / 1000;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        for (var f : futures) {
            perThread.add(f.get());
        }
        before.get();
        after.get();
        sampler.shutdown();
        pool.shutdown();

        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long durationUs = (end - measureFrom) / 1000;
        StringBuilder line = new StringBuilder();
        line.append(String.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d "
                + "status_errors=%d connect_errors=0 read_errors=0 write_errors=0 timeouts=0 unexpected=0 starved=0 written=0",
                flows.sum(), durationUs, pct(all, 50), pct(all, 90), pct(all, 99), all.length == 0 ? 0 : all[all.length - 1],
                failed.sum()));
        for (String g : groups.keySet()) {
            line.append(" cpu_").append(g).append("=").append(cpuAfter.get(g) - cpuBefore.getOrDefault(g, cpuAfter.get(g)));
        }
        line.append(" warmup_flows=").append(warmupFlows.sum()).append(" warmup_errors=").append(warmupFailed.sum());
        System.out.println(line);
        reasons.forEach((k, v) -> System.out.println("flow error: " + k + " x" + v.sum()));
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * utime + stime + cutime + cstime of the processes, in clock ticks (proc(5)); "self" is this
     * JVM, "machine" the busy ticks of the whole machine (all CPUs, from /proc/stat).
     */
    static long ticks(List<String> pids) {
        long sum = 0;
        for (String pid : pids) {
            try {
                if (pid.equals("machine")) {
                    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                    // cpu user nice system idle iowait irq softirq steal
                    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                        sum += Long.parseLong(f[i]);
                    }
                    continue;
                }
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            } catch (IOException | RuntimeException e) {
                // the process is gone: it counts nothing
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- one browser flow

    record Outcome(String error, String session) {
        static Outcome fail(String why) {
            return new Outcome(why, null);
        }
    }

    /**
     * One sign-in from a fresh cookie jar. With approve, a consent page is approved; without it,
     * a consent page is an error (consent must already be remembered). With exchange, the code is
     * exchanged at the token endpoint.
     */
    Outcome browserFlow(String[] user, boolean approve, boolean exchange) throws IOException, InterruptedException {
        Map<String, String> jar = new HashMap<>();
        String state = hex(8);
        String verifier = b64(32);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        String authorize = authorizeBase + "/oauth/authorize?response_type=code&client_id=" + enc(clientId)
                + "&redirect_uri=" + enc(redirectUri) + "&scope=" + enc(scope) + "&state=" + state
                + "&code_challenge=" + challenge + "&code_challenge_method=S256";

        HttpResponse<String> r = get(authorize, jar);
        if (r.statusCode() != 302) {
            return Outcome.fail("authorize: status " + r.statusCode());
        }
        String location = local(r.headers().firstValue("Location").orElse(""));
        if (!location.contains("/login?")) {
            return Outcome.fail("authorize: not sent to /login");
        }

        r = get(location, jar);
        if (r.statusCode() != 200) {
            return Outcome.fail("login page: status " + r.statusCode());
        }
        Optional<String> csrf = find(CSRF, r.body());
        Optional<String> req = find(REQ, r.body());
        if (csrf.isEmpty() || req.isEmpty()) {
            return Outcome.fail("login page: no csrf/req input");
        }
        r = post(authorizeBase + "/login", jar, null,
                form("csrf", csrf.get(), "req", req.get(), "username", user[0], "password", user[1]));
        if (r.statusCode() != 303 && r.statusCode() != 302) {
            return Outcome.fail("login: status " + r.statusCode());
        }
        location = local(r.headers().firstValue("Location").orElse(""));

        if (location.contains("/consent?")) {
            if (!approve) {
                return Outcome.fail("login: consent asked again (not remembered)");
            }
            r = get(location, jar);
            csrf = find(CSRF, r.body());
            req = find(REQ, r.body());
            if (r.statusCode() != 200 || csrf.isEmpty() || req.isEmpty()) {
                return Outcome.fail("consent page: status " + r.statusCode());
            }
            r = post(authorizeBase + "/consent", jar, null, form("csrf", csrf.get(), "req", req.get(), "decision", "approve"));
            if (r.statusCode() != 303 && r.statusCode() != 302) {
                return Outcome.fail("consent: status " + r.statusCode());
            }
            location = r.headers().firstValue("Location").orElse("");
        }
        if (!location.startsWith(redirectUri + "?")) {
            return Outcome.fail("login: not redirected to the client");
        }
        Map<String, String> q = query(location);
        if (!state.equals(q.get("state")) || q.get("code") == null) {
            return Outcome.fail("redirect: no code or wrong state");
        }
        if (exchange) {
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
            r = post(tokenBase + "/oauth/token", Map.of(), basic, form("grant_type", "authorization_code",
                    "code", q.get("code"), "redirect_uri", redirectUri, "code_verifier", verifier));
            if (r.statusCode() != 200 || !r.body().contains("\"access_token\"")) {
                return Outcome.fail("token: status " + r.statusCode());
            }
        }
        return new Outcome(null, jar.get("kf_session"));
    }

    /** A Location on the issuer, sent to --authorize-base instead (the direct variant). */
    String local(String location) {
        return location.startsWith(issuer + "/") ? authorizeBase + location.substring(issuer.length()) : location;
    }

    HttpResponse<String> get(String url, Map<String, String> jar) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        return send(b, jar);
    }

    HttpResponse<String> post(String url, Map<String, String> jar, String authorization, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b, jar);
    }

    HttpResponse<String> send(HttpRequest.Builder b, Map<String, String> jar) throws IOException, InterruptedException {
        if (!jar.isEmpty()) {
            StringBuilder c = new StringBuilder();
            jar.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", c.toString());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (jar instanceof HashMap) {
            for (String sc : r.headers().allValues("Set-Cookie")) {
                String pair = sc.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String name = pair.substring(0, eq).trim();
                    String value = pair.substring(eq + 1).trim();
                    if (value.isEmpty() || sc.contains("Max-Age=0")) {
                        jar.remove(name);
                    } else {
                        jar.put(name, value);
                    }
                }
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- helpers

    String need(String name) {
        String v = opts.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static Optional<String> find(Pattern p, String s) {
        Matcher m = p.matcher(s == null ? "" : s);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new HashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(b.length() == 0 ? "" : "&").append(enc(kv[i])).append('=').append(enc(kv[i + 1]));
        }
        return b.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    static String b64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
