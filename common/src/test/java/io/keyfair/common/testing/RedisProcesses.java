package io.keyfair.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Redis processes a test starts on this machine ({@code redis-server}, {@code redis-cli}), with
 * their files in one temporary directory, and ends again: on {@link #stop()}, and by a shutdown
 * hook when the test JVM exits without stopping them.
 */
final class RedisProcesses {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<Process> started = new ArrayList<>();
    private final Path dir;
    private Thread hook;

    RedisProcesses(String name) {
        try {
            dir = Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hook = new Thread(this::stopProcesses, name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Path dir() {
        return dir;
    }

    /** A redis-server without persistence on 127.0.0.1; {@code more} adds options. */
    void startServer(int port, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "no"));
        command.addAll(List.of(more));
        start(port, command.toArray(String[]::new));
    }

    /** Starts a process whose output goes to a log file named by its port. */
    synchronized void start(int port, String... command) throws IOException {
        started.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                .start());
    }

    void awaitPong(int port) {
        await(() -> "PONG".equals(cli(port, "PING")), "Redis on port " + port + " answers");
    }

    void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Ends every process and deletes the directory. */
    void stop() {
        stopProcesses();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            hook = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private synchronized void stopProcesses() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    /** What redis-cli prints for one command to the Redis on this port; empty when it fails. */
    static String cli(int port, String... command) {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        args.addAll(List.of(command));
        try {
            return run(args);
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Runs a command to its end; fails unless it exits with 0 within 20 s. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code count} free ports from 7100 up (with {@code withBus}, whose cluster bus ports, 10000
     * higher, are free too), from a random start so that two test runs on one machine rarely meet.
     */
    static List<Integer> freePorts(int count, boolean withBus) {
        List<Integer> found = new ArrayList<>();
        int start = 7100 + ThreadLocalRandom.current().nextInt(800);
        for (int port = start; found.size() < count && port < 8000; port++) {
            if (free(port) && (!withBus || free(port + 10_000))) {
                found.add(port);
            }
        }
        if (found.size() < count) {
            throw new IllegalStateException("no " + count + " free ports between " + start + " and 8000");
        }
        return found;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
