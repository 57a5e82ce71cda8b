package io.keyfair.common.clientauth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a `private_key_jwt` client's keys may be fetched from. */
@ConfigMapping(prefix = "keyfair.client-keys")
public interface ClientKeysConfig {

    /**
     * Refuse to fetch a `jwks_uri` whose host resolves to a loopback, private, link-local or
     * unspecified address, so a client's URL cannot reach into Keyfair's own network. Off in the
     * local stack, whose test apps publish their keys beside it; the Kubernetes `prod` overlay
     * turns it on.
     */
    @WithDefault("false")
    boolean refusePrivateAddresses();
}
