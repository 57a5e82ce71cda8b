package io.keyfair.token.housekeeping;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.event.Observes;

import io.keyfair.common.housekeeping.Purge;
import io.keyfair.common.housekeeping.Purges;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What token-service wrote and no longer needs, purged by common's {@link Purges}: retired
 * refresh tokens past any reuse check, families long expired or revoked, old audit events, and
 * revocations whose tokens have all expired, and security events
 * delivered or given up on.
 */
public class Housekeeping {

    /** When and what to purge. */
    @ConfigMapping(prefix = "keyfair.housekeeping")
    public interface Config {

        /** How often to purge. */
        @WithDefault("PT10M")
        Duration interval();

        /** How long a retired refresh token is kept to recognise its reuse. */
        @WithDefault("P7D")
        Duration retiredRefreshTokens();

        /** How long an expired or revoked family is kept (for the connection's history). */
        @WithDefault("P30D")
        Duration endedFamilies();

        /** How long audit events are kept. */
        @WithDefault("P90D")
        Duration auditEvents();

        /** How long a delivered or failed security event is kept (`GET /admin/clients/{id}/events`). */
        @WithDefault("P7D")
        Duration securityEvents();
    }

    void onStart(@Observes StartupEvent event, Purges purges, Config config) {
        purges.every(config.interval(), purges(config));
    }

    /** Every table token-service writes, and when its rows go. */
    static List<Purge> purges(Config config) {
        return List.of(
                new Purge("retired refresh tokens", "refresh_tokens", "token_hash",
                        "retired_at < now() - make_interval(secs => $1)", config.retiredRefreshTokens()),
                new Purge("ended refresh families", "refresh_families", "id",
                        "expires_at < now() - make_interval(secs => $1) or revoked_at < now() - make_interval(secs => $1)",
                        config.endedFamilies()),
                new Purge("audit events", "audit_events", "id",
                        "occurred_at < now() - make_interval(secs => $1)", config.auditEvents()),
                // every service writes the outbox; token-service, which delivers it, clears it
                new Purge("security events", "security_events", "id",
                        "status in ('delivered', 'failed') and created_at < now() - make_interval(secs => $1)",
                        config.securityEvents()),
                // a revocation is kept until every token it voids has expired anyway
                new Purge("revocations", "revocations", "kind, subject",
                        "expires_at < now() - make_interval(secs => $1)", Duration.ZERO));
    }
}
