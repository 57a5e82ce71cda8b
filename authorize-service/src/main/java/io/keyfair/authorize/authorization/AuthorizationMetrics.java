package io.keyfair.authorize.authorization;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Singleton;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthErrorMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * `keyfair_authorizations_total{outcome}`: how authorization requests end for the user, and the
 * errors the authorization endpoint sends back to clients in its redirect
 * (`keyfair_oauth_errors_total{endpoint="authorize"}`). One label of six values, registered at
 * start; no client or user label.
 */
// created at start, so that every series is exported (at 0) before its first event
@Startup
@Singleton
public class AuthorizationMetrics {

    /** The `outcome` label. */
    public enum Outcome {
        /** The user approved on the consent page. */
        APPROVED,
        /** The user refused on the consent page, or cancelled on the login page. */
        DENIED,
        /** A trusted client got its code without a page. */
        TRANSPARENT,
        /** An earlier consent covered the request: a code without the consent page. */
        PRIOR_CONSENT,
        /** A sign-in failed: wrong name or password. */
        LOGIN_FAILED,
        /** A sign-in or an authorization request was refused by a throttle (429). */
        THROTTLED;

        final String label = name().toLowerCase(Locale.ROOT);
    }

    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final OAuthErrorMetrics errors;

    AuthorizationMetrics(MeterRegistry registry, OAuthErrorMetrics errors) {
        this.errors = errors;
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("keyfair.authorizations")
                    .description("Authorization requests by how they ended for the user")
                    .tag("outcome", o.label).register(registry));
        }
    }

    public void count(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    /** An error the client receives in the authorization response (RFC 6749 §4.1.2.1). */
    public void redirectedError(OAuthError error) {
        errors.count(OAuthErrorMetrics.Endpoint.AUTHORIZE, error);
    }
}
