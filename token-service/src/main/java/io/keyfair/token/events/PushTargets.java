package io.keyfair.token.events;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.keyfair.common.http.OutboundAddresses;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where a push may go (CONTRACT.md, "Security events"): https, or http to a loopback host only;
 * and, when {@link EventsConfig#refusePrivateAddresses()} is on, never to a host that resolves to
 * a loopback, private, link-local or unspecified address (a receiver URL must not reach into
 * Keyfair's own network; common's {@link OutboundAddresses}, as for a client's `jwks_uri`).
 */
@ApplicationScoped
public class PushTargets {

    /** Why an endpoint is refused: `refused: …`, never retried. */
    public static final String PRIVATE_ADDRESS = "refused: private address";

    private final Vertx vertx;
    private final boolean refusePrivate;

    @Inject
    PushTargets(Vertx vertx, EventsConfig config) {
        this(vertx, config.refusePrivateAddresses());
    }

    PushTargets(Vertx vertx, boolean refusePrivate) {
        this.vertx = vertx;
        this.refusePrivate = refusePrivate;
    }

    /** Empty when the endpoint may be pushed to; else why not. A host that cannot be resolved fails the Uni. */
    Uni<Optional<String>> refusal(String endpoint) {
        URI uri;
        try {
            uri = endpoint == null ? null : new URI(endpoint);
        } catch (Exception e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getScheme() == null) {
            return refused("refused: not an absolute URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!scheme.equals("https") && !(scheme.equals("http") && OutboundAddresses.isLoopbackName(host))) {
            return refused("refused: http only to a loopback host");
        }
        if (!refusePrivate) {
            return Uni.createFrom().item(Optional.empty());
        }
        return OutboundAddresses.resolvesToPrivate(vertx, host)
                .map(refused -> refused ? Optional.of(PRIVATE_ADDRESS) : Optional.<String>empty());
    }

    private static Uni<Optional<String>> refused(String why) {
        return Uni.createFrom().item(Optional.of(why));
    }
}
