package io.keyfair.common.dpop;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** DPoP (RFC 9449) as every service that takes proofs (token-service, userinfo-service) applies it. */
@ConfigMapping(prefix = "keyfair.dpop")
public interface DpopConfig {

    /** Server-provided nonces (RFC 9449 §8 and §9). */
    Nonce nonce();

    interface Nonce {

        /**
         * Whether every proof must carry a nonce this server issued (`use_dpop_nonce` and a
         * `DPoP-Nonce` header otherwise). Off by default: a proof's `jti`, `iat` window and the
         * replay check already bound its use; nonces also stop proofs made in advance.
         */
        @WithDefault("false")
        boolean required();

        /**
         * The secret nonces are an HMAC under (`KEYFAIR_DPOP_NONCE_SECRET`), at least 32
         * characters. Every replica must have the same one, so a nonce one replica issued works on
         * every other. Required when {@link #required()} is on.
         */
        Optional<String> secret();

        /**
         * How long one nonce is issued for; a nonce stays accepted for one more such period, so a
         * client that just received one never sees it refused.
         */
        @WithDefault("PT5M")
        Duration lifetime();
    }
}
