package io.keyfair.authorize.authorization;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.keyfair.common.config.OAuthConfig;

class StartupChecksTest {

    static OAuthConfig codeTtl(Duration ttl) {
        return new OAuthConfig() {
            @Override
            public String issuer() {
                return "http://localhost:8080";
            }

            @Override
            public Optional<String> audience() {
                return Optional.empty();
            }

            @Override
            public Duration accessTokenTtl() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration refreshTokenTtl() {
                return Duration.ofDays(30);
            }

            @Override
            public Duration codeTtl() {
                return ttl;
            }
        };
    }

    @Test
    void codeLifetimeOutside30To60SecondsStopsTheService() {
        StartupChecks checks = new StartupChecks();
        assertThrows(IllegalStateException.class, () -> checks.check(null, codeTtl(Duration.ofSeconds(29))));
        assertThrows(IllegalStateException.class, () -> checks.check(null, codeTtl(Duration.ofSeconds(61))));
        assertDoesNotThrow(() -> checks.check(null, codeTtl(Duration.ofSeconds(30))));
        assertDoesNotThrow(() -> checks.check(null, codeTtl(Duration.ofSeconds(60))));
    }
}
