package io.keyfair.common.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Where Keyfair may connect when a client names the URL (security event receivers, `jwks_uri`):
 * the checks that keep such a URL from reaching into Keyfair's own network when a deployment
 * refuses private addresses.
 */
public final class OutboundAddresses {

    private OutboundAddresses() {
    }

    /** `localhost`, 127.0.0.0/8 or [::1], as written in the URL (nothing is resolved for this). */
    public static boolean isLoopbackName(String host) {
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
    public static boolean isPrivate(InetAddress a) {
        return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc);
    }

    /**
     * Whether any address `host` (as a URL writes it, IPv6 in brackets) resolves to is private;
     * resolved on a worker thread, never on an event loop. A host that cannot be resolved fails
     * the Uni.
     */
    public static Uni<Boolean> resolvesToPrivate(Vertx vertx, String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                return InetAddress.getAllByName(bare);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("DNS resolution failed");
            }
        }), false).map(addresses -> {
            for (InetAddress a : addresses) {
                if (isPrivate(a)) {
                    return true;
                }
            }
            return false;
        });
    }
}
