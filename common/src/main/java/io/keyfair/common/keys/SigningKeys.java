package io.keyfair.common.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.KeysConfig;

/** The key ring of a service that signs, loaded once from `keyfair.keys.file`. */
@ApplicationScoped
public class SigningKeys {

    private final Optional<KeyRing> ring;

    SigningKeys(KeysConfig config) {
        this.ring = config.file().filter(f -> !f.isBlank()).map(f -> {
            try {
                return KeyRing.load(Path.of(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the signing keys in " + f, e);
            }
        });
    }

    /** Present when this service holds private keys. */
    public Optional<KeyRing> ring() {
        return ring;
    }

    /** The ring, for code that cannot work without one. */
    public KeyRing required() {
        return ring.orElseThrow(() -> new IllegalStateException("keyfair.keys.file (KEYFAIR_KEYS_FILE) is not set"));
    }
}
