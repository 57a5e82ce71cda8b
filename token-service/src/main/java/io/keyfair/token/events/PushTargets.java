package io.keyfair.token.events;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where a push may go (CONTRACT.md, "Security events"): https, or http to a loopback host only;
 * and, when {@link EventsConfig#refusePrivateAddresses()} is on, never to a host that resolves to
 * a loopback, private, link-local or unspecified address (a receiver URL must not reach into
 * Keyfair's own network). The host is resolved on a worker thread, never on an event loop.
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
        if (!scheme.equals("https") && !(scheme.equals("http") && isLoopbackName(host))) {
            return refused("refused: http only to a loopback host");
        }
        if (!refusePrivate) {
            return Uni.createFrom().item(Optional.empty());
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                return InetAddress.getAllByName(bare);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("DNS resolution failed");
            }
        }), false).map(addresses -> {
            for (InetAddress a : addresses) {
                if (isPrivate(a)) {
                    return Optional.of(PRIVATE_ADDRESS);
                }
            }
            return Optional.<String>empty();
        });
    }

    private static Uni<Optional<String>> refused(String why) {
        return Uni.createFrom().item(Optional.of(why));
    }

    /** `localhost`, 127.0.0.0/8 or [::1], as written in the URL (nothing is resolved for this). */
    static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Loopback, site-local (10/8, 172.16/12, 192.168/16), unique local (fc00::/7), link-local, unspecified. */
    static boolean isPrivate(InetAddress a) {
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc);
    }
}
