package io.keyfair.common.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.config.KeysConfig;

/**
 * The key ring of a service that signs, loaded from `keyfair.keys.file` and reloaded when the file
 * changes, so a rotation needs no restart. Every `keyfair.keys.reload-interval` a daemon thread
 * (never an event loop) reads the file; when its content changed and it holds a valid ring that
 * still signs every algorithm the current one signs, that ring replaces the current one in one
 * volatile write. Readers take {@link #ring()} per use and never see a half-loaded ring. A broken
 * file is logged once and the keys in use stay; the service never stops over it.
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    /** What one check of the key file found. */
    public enum Reload {
        UNCHANGED, RELOADED, REFUSED
    }

    private final Optional<Path> file;
    private volatile KeyRing ring;
    /** The file content {@link #ring} came from, or the last refused content (logged once). */
    private String seen;
    /** Whether the file is unreadable and that was logged already (it is logged once, not per check). */
    private boolean unreadable;
    private ScheduledExecutorService watcher;

    SigningKeys(KeysConfig config) {
        this.file = config.file().filter(f -> !f.isBlank()).map(Path::of);
        file.ifPresent(f -> {
            try {
                seen = Files.readString(f);
                ring = KeyRing.parse(seen);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the signing keys in " + f + ": " + e.getMessage(), e);
            }
            Duration interval = config.reloadInterval();
            if (!interval.isZero() && !interval.isNegative()) {
                watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "keyfair-key-reload");
                    t.setDaemon(true);
                    return t;
                });
                watcher.scheduleWithFixedDelay(this::checkQuietly, interval.toMillis(), interval.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Present when this service holds private keys: the ring in use now. */
    public Optional<KeyRing> ring() {
        return Optional.ofNullable(ring);
    }

    /** The ring, for code that cannot work without one. */
    public KeyRing required() {
        KeyRing current = ring;
        if (current == null) {
            throw new IllegalStateException("keyfair.keys.file (KEYFAIR_KEYS_FILE) is not set");
        }
        return current;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // never let the schedule die
            LOG.errorf("checking the signing key file failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Reads the key file once and takes its ring if it changed and is valid (the watcher's step). */
    public synchronized Reload check() {
        Path f = file.orElseThrow();
        String content;
        try {
            content = Files.readString(f);
        } catch (IOException e) {
            if (!unreadable) {
                LOG.errorf("cannot read the signing key file %s (%s): the keys in use stay", f, e.getClass().getSimpleName());
                unreadable = true;
            }
            return Reload.REFUSED;
        }
        unreadable = false;
        if (content.equals(seen)) {
            return Reload.UNCHANGED;
        }
        seen = content;
        KeyRing candidate;
        try {
            candidate = KeyRing.parse(content);
        } catch (IOException e) {
            LOG.errorf("the signing key file %s changed but is not usable, the keys in use stay: %s", f, e.getMessage());
            return Reload.REFUSED;
        }
        KeyRing current = ring;
        for (JWSAlgorithm alg : current.signingAlgorithms()) {
            if (candidate.active(alg).isEmpty()) {
                LOG.errorf("the signing key file %s changed but has no active %s key, the keys in use stay", f, alg);
                return Reload.REFUSED;
            }
        }
        ring = candidate;
        LOG.infof("signing keys reloaded from %s: %s", f,
                candidate.entries().stream().map(e -> e.kid() + " " + e.algorithm() + " " + e.state().name().toLowerCase())
                        .collect(Collectors.joining(", ")));
        return Reload.RELOADED;
    }

    @PreDestroy
    void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
