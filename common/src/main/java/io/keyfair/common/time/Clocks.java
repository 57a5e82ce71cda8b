package io.keyfair.common.time;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.arc.DefaultBean;

/**
 * The one wall clock of every service: expiries, `iat` and `exp`, `auth_time`, cut-offs and the
 * `updated_at` of rows written from Java all read it, so a test can move time instead of sleeping
 * (by replacing this bean). Durations and in-memory cache ages are measured with
 * {@link System#nanoTime()} instead, which is not a clock and never jumps.
 */
@ApplicationScoped
public class Clocks {

    /** The system clock in UTC; a test may supply another {@link Clock} bean instead. */
    @Produces
    @ApplicationScoped
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
