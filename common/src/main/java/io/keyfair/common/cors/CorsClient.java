package io.keyfair.common.cors;

import java.util.Optional;

import io.keyfair.common.client.ClientRecord;
import io.smallrye.common.vertx.ContextLocals;

/**
 * How an endpoint on a client path tells {@link CorsFilter} which client the request is for, so
 * that the answer (success or error) is readable from that client's registered origins and no
 * other. Call it from the request's own processing (the endpoint's {@code Uni} chain runs on the
 * request's Vert.x context, where the filter left the origin).
 */
public final class CorsClient {

    static final String KEY = "keyfair.cors.reply";

    private CorsClient() {
    }

    /** What the filter learned of one cross-origin request; read when the headers are written. */
    static final class Reply {
        final String origin;
        private volatile boolean allowed;

        Reply(String origin) {
            this.origin = origin;
        }

        boolean allowed() {
            return allowed;
        }
    }

    /** Whether this request came from another origin, so that its client is worth looking up. */
    public static boolean wanted() {
        return reply().isPresent();
    }

    /**
     * The request is this client's (authenticated, or named by its `client_id`, or the client of
     * the access token it presents): its answer may be read from the request's origin when the
     * client registered that origin.
     */
    public static void identified(ClientRecord client) {
        reply().ifPresent(reply -> reply.allowed = client.allowedCorsOrigins().contains(reply.origin));
    }

    private static Optional<Reply> reply() {
        try {
            return ContextLocals.get(KEY);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // not on a request's context (a test calling the code directly): no browser to answer
            return Optional.empty();
        }
    }
}
