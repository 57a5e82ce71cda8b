package io.keyfair.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for every URL a client registers or an app gives us to call or send people to
 * (redirect URIs, links, `events_uri`, an SSF stream's push `endpoint_url`): absolute, https, or
 * plain http only on the loopback interface (RFC 8252 §7.3, RFC 8935 §2), whose traffic never
 * leaves the machine: `localhost`, `127.0.0.0/8` and `[::1]`.
 */
public final class WebUris {

    public static final int MAX_URI = 2000;

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "[::1]");
    /** An IPv4 literal in 127.0.0.0/8, each octet 0–255 without leading zeros. */
    private static final Pattern LOOPBACK_V4 = Pattern.compile(
            "^127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");

    private WebUris() {
    }

    /**
     * Why the URI is not an absolute https URI (or http on a loopback host), or null when it is
     * one. Stored lists are space separated, so no URI may hold a space.
     */
    public static String problem(String uri) {
        if (uri.isEmpty() || uri.length() > MAX_URI) {
            return "must be 1 to " + MAX_URI + " characters";
        }
        if (uri.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return "must not contain spaces or control characters";
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return "is not a valid URI";
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null || parsed.getHost().isEmpty()) {
            return "must be an absolute URI with a host";
        }
        if (parsed.getRawUserInfo() != null) {
            return "must not contain user information";
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return null;
        }
        if (scheme.equals("http") && isLoopback(parsed.getHost())) {
            return null;
        }
        return "must use https (http only on localhost, 127.0.0.0/8 or [::1])";
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return LOOPBACK_NAMES.contains(h) || LOOPBACK_V4.matcher(h).matches();
    }
}
