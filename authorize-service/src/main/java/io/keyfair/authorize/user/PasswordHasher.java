package io.keyfair.authorize.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Argon2id password hashes as standard PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). Hashing costs tens of milliseconds of CPU on
 * purpose, so it runs on a worker thread and the result comes back on the caller's event loop.
 * The reference libargon2 computes it where its native library loads (about twice as fast as
 * Java, and its 19 MiB work area lives outside the heap); Bouncy Castle's Argon2 elsewhere, in
 * native images for instance. Both give the same bytes, so either verifies the other's hashes.
 */
@ApplicationScoped
public class PasswordHasher {

    /** OWASP Password Storage Cheat Sheet: the minimum Argon2id configuration. */
    static final int MIN_MEMORY_KIB = 19_456;
    static final int MIN_ITERATIONS = 2;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final Semaphore running;
    private final Vertx vertx;
    private final PasswordConfig config;
    /** A hash of a random password, verified against for unknown users so both cost the same. */
    private volatile String dummy;

    PasswordHasher(Vertx vertx, PasswordConfig config) {
        if (config.memoryKib() < MIN_MEMORY_KIB || config.iterations() < MIN_ITERATIONS || config.parallelism() < 1) {
            throw new IllegalStateException("keyfair.authorize.password is below the Argon2id minimum m=19456 KiB, t=2, p=1");
        }
        this.vertx = vertx;
        this.config = config;
        this.running = new Semaphore(Math.max(1, config.maxConcurrent().orElse(Runtime.getRuntime().availableProcessors())), true);
    }

    /** A new PHC string for the password, off the event loop. */
    public Uni<String> hash(String password) {
        return vertx.executeBlocking(() -> bounded(() -> hashNow(password)), false);
    }

    /**
     * Whether the password matches the stored hash, off the event loop. With no stored hash (no
     * such user) a dummy hash is checked, so the answer takes as long either way.
     */
    public Uni<Boolean> verify(String storedHash, String password) {
        return vertx.executeBlocking(() -> bounded(() -> {
            if (storedHash == null) {
                verifyNow(dummyHash(), password);
                return false;
            }
            return verifyNow(storedHash, password);
        }), false);
    }

    /** Runs on a worker thread, at most {@code maxConcurrent} at a time. */
    private <T> T bounded(Callable<T> work) throws Exception {
        running.acquire();
        try {
            return work.call();
        } finally {
            running.release();
        }
    }

    String hashNow(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        int m = config.memoryKib();
        int t = config.iterations();
        int p = config.parallelism();
        byte[] hash = derive(password, salt, m, t, p, HASH_BYTES);
        return "$argon2id$v=19$m=" + m + ",t=" + t + ",p=" + p + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    boolean verifyNow(String stored, String password) {
        Matcher phc = PHC.matcher(stored);
        if (!phc.matches()) {
            return false;
        }
        byte[] salt = B64D.decode(phc.group(4));
        byte[] expected = B64D.decode(phc.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(phc.group(1)), Integer.parseInt(phc.group(2)),
                Integer.parseInt(phc.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    private String dummyHash() {
        String d = dummy;
        if (d == null) {
            byte[] b = new byte[24];
            random.nextBytes(b);
            d = hashNow(B64.encodeToString(b));
            dummy = d;
        }
        return d;
    }

    /** Whether the native libargon2 computes hashes here; decided once, by a known answer. */
    static final boolean NATIVE = nativeWorks();

    private static boolean nativeWorks() {
        try {
            byte[] salt = "keyfair-selftest".getBytes(StandardCharsets.US_ASCII);
            byte[] reference = javaDerive("password", salt, 64, 2, 1, HASH_BYTES);
            return MessageDigest.isEqual(reference, nativeDerive("password", salt, 64, 2, 1, HASH_BYTES));
        } catch (Throwable e) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        return NATIVE
                ? nativeDerive(password, salt, memoryKib, iterations, parallelism, length)
                : javaDerive(password, salt, memoryKib, iterations, parallelism, length);
    }

    private static byte[] nativeDerive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, salt.length, length);
        return argon2.rawHash(iterations, memoryKib, parallelism, password.getBytes(StandardCharsets.UTF_8), salt);
    }

    static byte[] javaDerive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
