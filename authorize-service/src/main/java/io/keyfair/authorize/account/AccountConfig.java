package io.keyfair.authorize.account;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The account pages. */
@ConfigMapping(prefix = "keyfair.authorize.account")
public interface AccountConfig {

    /**
     * A connection is `active` when a token was issued or refreshed within this window, `idle`
     * when it still holds a live refresh token but was not used for longer (CONTRACT.md).
     */
    @WithDefault("P7D")
    Duration activeWindow();
}
