package io.keyfair.common.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What every service must agree on about the tokens Keyfair issues. */
@ConfigMapping(prefix = "keyfair.oauth")
public interface OAuthConfig {

    /**
     * The issuer URL, exactly as clients see it (`KEYFAIR_ISSUER`). Discovery documents, the
     * `iss` claim and the `iss` authorization response parameter all use it verbatim.
     */
    @WithDefault("http://localhost:8080")
    String issuer();

    /** The `aud` of access tokens: the API they are meant for. Defaults to the issuer. */
    Optional<String> audience();

    /** Lifetime of an access token when the client sets no `access_token_ttl`. */
    @WithDefault("PT1H")
    Duration accessTokenTtl();

    /**
     * How long a refresh token family lives after its last use (sliding); a family unused for
     * longer needs the user again.
     */
    @WithDefault("P30D")
    Duration refreshTokenTtl();

    /** How long an authorization code lives (CONTRACT.md: 30–60 s). */
    @WithDefault("PT60S")
    Duration codeTtl();

    /** The `aud` every access token carries. */
    default String accessTokenAudience() {
        return audience().filter(a -> !a.isBlank()).orElse(issuer());
    }
}
