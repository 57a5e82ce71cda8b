package io.keyfair.registry.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ReinstatementCoolOffTest {

    @Test
    void byDefaultTheDeveloperMayAskFromTheEndOfTheMonthAfterTheSuspension() {
        assertEquals(Instant.parse("2026-05-01T00:00:00Z"),
                ReinstatementCoolOff.allowedFrom(Instant.parse("2026-03-03T10:00:00Z"), Optional.empty()));
        assertEquals(Instant.parse("2026-05-01T00:00:00Z"),
                ReinstatementCoolOff.allowedFrom(Instant.parse("2026-03-31T23:59:59Z"), Optional.empty()));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"),
                ReinstatementCoolOff.allowedFrom(Instant.parse("2026-11-15T00:00:00Z"), Optional.empty()));
    }

    @Test
    void aConfiguredCoolOffCountsFromTheSuspension() {
        assertEquals(Instant.parse("2026-03-10T10:00:00Z"),
                ReinstatementCoolOff.allowedFrom(Instant.parse("2026-03-03T10:00:00Z"), Optional.of(Duration.ofDays(7))));
    }
}
