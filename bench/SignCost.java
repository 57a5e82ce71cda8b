import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cost of one token signature (and of one password hash), single thread, for bench/run:
 * `java [-cp ACCP.jar:bcprov.jar:argon2-jvm.jar:jna.jar] bench/SignCost.java [--keys keys.json] [--seconds S] [--argon2 m,t,p]`.
 *
 * Signs a JWT-sized input with RS256 (SHA256withRSA) and ES256 (SHA256withECDSA) using the
 * active keys of the stack's key set (keys.json, a JWK set with private keys) when given, else
 * fresh RSA-2048 / P-256 keys; once with the JDK's providers and once with Amazon Corretto
 * Crypto Provider when it is on the class path and loads. Prints one line per combination:
 * `SIGN alg=RS256 provider=... us_cpu=... per_s=...` (CPU microseconds of this thread per
 * signature). With --argon2, also `HASH impl=... alg=argon2id m=... t=... p=... ms_cpu=...` for one
 * Argon2id hash with each implementation authorize-service may use (native libargon2 through
 * argon2-jvm, Bouncy Castle) that is on the class path.
 */
public class SignCost {

    static final byte[] INPUT = ("eyJraWQiOiJycy1hMzk0Zjg5MS1iZjE5LTQ2NmQtODVhNC1hODIxYjc3N2RiNGMiLCJ0eXAiOiJhdCtqd3QiLCJhbGciOiJSUzI1NiJ9."
            + "eyJzdWIiOiJlNWNlMzNiYWU5YzA0ZmU1ODk1NWJiMGRkMDFlNzBmMCIsImF1ZCI6Imh0dHA6Ly9sb2NhbGhvc3Q6ODA4MCIsImdpZCI6IjBmYjFi"
            + "MGEzODQ3NGYyOThjZTU2MDA1M2MzOGFkNmNhIiwic2NvcGUiOiJwcm9maWxlIiwiaXNzIjoiaHR0cDovL2xvY2FsaG9zdDo4MDgwIiwiZXhwIjox"
            + "Nzk1MzgwODY3LCJpYXQiOjE3OTUzNzcyNjcsImNsaWVudF9pZCI6ImU1Y2UzM2JhZTljMDRmZTU4OTU1YmIwZGQwMWU3MGYwIiwianRpIjoiMGZi")
            .getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path keysFile = opts.containsKey("keys") && !opts.get("keys").isEmpty() ? Path.of(opts.get("keys")) : null;
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "2"));
        Map<String, PrivateKey> keys = new HashMap<>();
        String source = "generated";
        if (keysFile != null && Files.isReadable(keysFile)) {
            keys = activeKeys(Files.readString(keysFile));
            source = "keys.json";
        }
        if (!keys.containsKey("RS256")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            keys.put("RS256", g.generateKeyPair().getPrivate());
        }
        if (!keys.containsKey("ES256")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys.put("ES256", g.generateKeyPair().getPrivate());
        }

        List<Provider[]> providers = new ArrayList<>();
        providers.add(new Provider[] {null});
        Provider accp = accp();
        if (accp != null) {
            providers.add(new Provider[] {accp});
        }
        for (Provider[] p : providers) {
            for (String alg : List.of("RS256", "ES256")) {
                measure(alg, keys.get(alg), p[0], seconds, source);
            }
        }
        if (opts.containsKey("argon2")) {
            argon2(opts.get("argon2"), seconds);
        }
    }

    /**
     * One Argon2id hash with what authorize-service uses: the native libargon2 (argon2-jvm) when it
     * is on the class path and loads, and Bouncy Castle's Java implementation (by reflection: both
     * are optional on the class path). The first line printed is the implementation
     * authorize-service picks (native when it loads).
     */
    static void argon2(String mtp, double seconds) throws Exception {
        String[] v = mtp.split(",");
        int m = Integer.parseInt(v[0]), t = Integer.parseInt(v[1]), p = Integer.parseInt(v[2]);
        byte[] salt = "somesaltsomesalt".getBytes(StandardCharsets.US_ASCII);
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        boolean any = false;
        try {
            Class<?> factory = Class.forName("de.mkammerer.argon2.Argon2Factory");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object id = Enum.valueOf((Class) Class.forName("de.mkammerer.argon2.Argon2Factory$Argon2Types"), "ARGON2id");
            Object argon2 = factory.getMethod("createAdvanced", id.getClass(), int.class, int.class).invoke(null, id, salt.length, 32);
            var raw = Class.forName("de.mkammerer.argon2.Argon2Advanced")
                    .getMethod("rawHash", int.class, int.class, int.class, byte[].class, byte[].class);
            raw.invoke(argon2, t, m, p, password, salt); // loads the native library, or fails
            hashCost("libargon2-native", m, t, p, seconds, () -> raw.invoke(argon2, t, m, p, password, salt));
            any = true;
        } catch (ClassNotFoundException e) {
            // argon2-jvm is not on the class path
        } catch (Throwable e) {
            System.out.println("libargon2 unavailable: " + e);
        }
        try {
            Class<?> paramsType = Class.forName("org.bouncycastle.crypto.params.Argon2Parameters");
            Class<?> builderType = Class.forName("org.bouncycastle.crypto.params.Argon2Parameters$Builder");
            Class<?> generatorType = Class.forName("org.bouncycastle.crypto.generators.Argon2BytesGenerator");
            Object builder = builderType.getConstructor(int.class).newInstance(paramsType.getField("ARGON2_id").getInt(null));
            builderType.getMethod("withVersion", int.class).invoke(builder, paramsType.getField("ARGON2_VERSION_13").getInt(null));
            builderType.getMethod("withIterations", int.class).invoke(builder, t);
            builderType.getMethod("withMemoryAsKB", int.class).invoke(builder, m);
            builderType.getMethod("withParallelism", int.class).invoke(builder, p);
            builderType.getMethod("withSalt", byte[].class).invoke(builder, (Object) salt);
            Object params = builderType.getMethod("build").invoke(builder);
            var init = generatorType.getMethod("init", paramsType);
            var generate = generatorType.getMethod("generateBytes", byte[].class, byte[].class);
            hashCost("BouncyCastle-java", m, t, p, seconds, () -> {
                Object g = generatorType.getConstructor().newInstance();
                init.invoke(g, params);
                return generate.invoke(g, password, new byte[32]);
            });
            any = true;
        } catch (ClassNotFoundException e) {
            // Bouncy Castle is not on the class path
        }
        if (!any) {
            System.out.println("HASH unavailable: neither argon2-jvm nor Bouncy Castle is on the class path");
        }
    }

    static void hashCost(String impl, int m, int t, int p, double seconds, java.util.concurrent.Callable<Object> hash) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] r = new long[2];
        for (int round = 0; round < 2; round++) { // warm-up, then measured
            long c0 = mx.getCurrentThreadCpuTime();
            long n = 0;
            long c1;
            do {
                hash.call();
                n++;
                c1 = mx.getCurrentThreadCpuTime();
            } while (c1 - c0 < (long) (seconds * (round == 0 ? 0.5 : 1) * 1e9) || n < 3);
            r = new long[] {n, c1 - c0};
        }
        double ms = r[1] / 1e6 / r[0];
        System.out.printf("HASH impl=%s alg=argon2id m=%d t=%d p=%d ms_cpu=%.1f per_s=%.1f%n", impl, m, t, p, ms, 1000 / ms);
    }

    static void measure(String alg, PrivateKey key, Provider provider, double seconds, String source) throws Exception {
        String jca = alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSA";
        Signature sig = provider == null ? Signature.getInstance(jca) : Signature.getInstance(jca, provider);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // warm-up: a third of the time, then the measured part
        run(sig, key, (long) (seconds / 3 * 1e9), mx);
        long[] r = run(sig, key, (long) (seconds * 1e9), mx);
        double usCpu = r[1] / 1000.0 / r[0];
        String name = provider == null ? "JDK(" + sig.getProvider().getName() + ")" : provider.getName() + "-" + provider.getVersionStr();
        System.out.printf("SIGN alg=%s provider=%s us_cpu=%.1f per_s=%.0f key=%s%n", alg, name, usCpu, 1e6 / usCpu, source);
    }

    /** Signs for about the given CPU time; returns {signatures, cpu ns}. */
    static long[] run(Signature sig, PrivateKey key, long cpuNanos, ThreadMXBean mx) throws Exception {
        long c0 = mx.getCurrentThreadCpuTime();
        long n = 0;
        long c1;
        do {
            for (int i = 0; i < 20; i++) {
                sig.initSign(key);
                sig.update(INPUT);
                sig.sign();
            }
            n += 20;
            c1 = mx.getCurrentThreadCpuTime();
        } while (c1 - c0 < cpuNanos);
        return new long[] {n, c1 - c0};
    }

    static Provider accp() {
        try {
            Class<?> type = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) type.getField("INSTANCE").get(null);
            Throwable problem = (Throwable) type.getMethod("getLoadingError").invoke(p);
            if (problem != null) {
                System.out.println("ACCP unavailable: " + problem);
                return null;
            }
            return p;
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            System.out.println("ACCP unavailable: " + e);
            return null;
        }
    }

    /** The private keys with status/state "active" of a JWK set, by alg (flat JSON objects only). */
    static Map<String, PrivateKey> activeKeys(String json) throws Exception {
        Map<String, PrivateKey> out = new HashMap<>();
        Matcher objects = Pattern.compile("\\{[^{}]*\\}").matcher(json);
        Pattern field = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");
        while (objects.find()) {
            Map<String, String> f = new HashMap<>();
            Matcher m = field.matcher(objects.group());
            while (m.find()) {
                f.put(m.group(1), m.group(2));
            }
            String status = f.getOrDefault("status", f.getOrDefault("state", "active"));
            if (!status.equals("active") || f.get("d") == null || out.containsKey(f.get("alg"))) {
                continue;
            }
            if ("RSA".equals(f.get("kty")) && f.get("p") != null) {
                out.put("RS256", KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                        b(f.get("n")), b(f.get("e")), b(f.get("d")), b(f.get("p")), b(f.get("q")),
                        b(f.get("dp")), b(f.get("dq")), b(f.get("qi")))));
            } else if ("EC".equals(f.get("kty")) && "P-256".equals(f.get("crv"))) {
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
                out.put("ES256", KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(b(f.get("d")), spec)));
            }
        }
        return out;
    }

    static BigInteger b(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
