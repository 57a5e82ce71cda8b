package io.keyfair.common.client;

import java.util.Locale;

/** Where a client is in its approval lifecycle. Only approved clients authorize or get tokens. */
public enum ClientStatus {
    PENDING, APPROVED, REJECTED, SUSPENDED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClientStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
