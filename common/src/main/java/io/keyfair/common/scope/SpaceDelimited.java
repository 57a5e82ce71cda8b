package io.keyfair.common.scope;

import java.util.Collections;
import java.util.LinkedHashSet;

/**
 * RFC 6749 §3.3's space-delimited lists — `scope` parameters and claims — and the columns that
 * keep lists the same way (grant types, redirect URIs, frame ancestors; V1__schema.sql).
 */
public final class SpaceDelimited {

    private SpaceDelimited() {
    }

    /** The values in order, each once; empty for null or blank. */
    public static LinkedHashSet<String> parse(String value) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        if (value != null && !value.isBlank()) {
            Collections.addAll(out, value.trim().split(" +"));
        }
        return out;
    }
}
