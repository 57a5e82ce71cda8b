package io.keyfair.common.keys;

import io.keyfair.common.config.KeysConfig;

/** SigningKeys outside CDI, for tests of the classes that take it. */
public final class TestSigningKeys {

    private TestSigningKeys() {
    }

    public static SigningKeys of(KeysConfig config) {
        return new SigningKeys(config);
    }

    /** Stops the key file watcher of keys made by {@link #of}. */
    public static void close(SigningKeys keys) {
        keys.close();
    }
}
