package io.keyfair.token.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.token.SecurityEventToken;
import io.keyfair.common.token.TokenSigner;
import io.vertx.core.json.JsonObject;

/**
 * Signs an outbox row into its Security Event Token through common's {@link TokenSigner} (RS256,
 * `typ: secevent+jwt`). The subject is the user and the app's grant for events about a
 * connection, the stream for stream events (CONTRACT.md, "Security events").
 */
@ApplicationScoped
public class SetSigner {

    private final TokenSigner signer;
    private final String issuer;

    SetSigner(TokenSigner signer, OAuthConfig config) {
        this.signer = signer;
        this.issuer = config.issuer();
    }

    /** The row's SET: the one signed before, or a new signature of the same claims. */
    String set(OutboxEvent e) {
        if (e.setJwt() != null) {
            return e.setJwt();
        }
        return signer.sign(new SecurityEventToken(issuer, e.jti(), e.createdAt(), e.clientId(), e.txn(), subId(e).encode(),
                e.eventType(), e.eventJson()));
    }

    private JsonObject subId(OutboxEvent e) {
        if (e.streamId() != null) {
            return new JsonObject().put("format", "opaque").put("id", e.streamId());
        }
        return new JsonObject().put("format", "complex")
                .put("user", new JsonObject().put("format", "iss_sub").put("iss", issuer).put("sub", e.userId()))
                .put("session", new JsonObject().put("format", "opaque").put("id", e.sessionId()));
    }
}
