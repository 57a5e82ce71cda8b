package io.keyfair.common.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times in the admin API: ISO 8601 in UTC, to the second (`2026-11-30T20:15:03Z`), or null. */
public final class AdminTimes {

    private AdminTimes() {
    }

    public static String iso(OffsetDateTime time) {
        return time == null ? null
                : DateTimeFormatter.ISO_INSTANT.format(time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
    }
}
