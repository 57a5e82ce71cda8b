package io.keyfair.registry.portal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * From when the developer of a suspended app may ask for reinstatement: a configured cool-off
 * after the suspension, or by default the end of the month after the suspension's month (UTC),
 * so an app suspended on 3 March may ask from 1 May, and one suspended on 31 March also from 1 May.
 */
public final class ReinstatementCoolOff {

    private ReinstatementCoolOff() {
    }

    /** The first instant a request is accepted. */
    public static Instant allowedFrom(Instant suspendedAt, Optional<Duration> coolOff) {
        if (coolOff.isPresent()) {
            return suspendedAt.plus(coolOff.get());
        }
        LocalDate month = LocalDate.ofInstant(suspendedAt, ZoneOffset.UTC).withDayOfMonth(1);
        return month.plusMonths(2).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
