package io.keyfair.common.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import io.keyfair.common.config.KeysConfig;
import io.keyfair.common.keys.KeyRing;
import io.keyfair.common.keys.SigningKeys;
import io.keyfair.common.log.RequestIds;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * Public keys for verifying tokens. A service holding the key ring uses the ring in use (reloaded
 * with the key file, {@link SigningKeys}); the others
 * fetch token-service's JWKS, cache it, and refetch when a token names an unknown `kid` (at most
 * once per `keyfair.keys.jwks-refetch-interval`, so forged kids cannot flood token-service), and
 * every `keyfair.keys.jwks-refresh-interval` in the background, so that a key removed from the
 * JWKS stops being trusted within that time. A failed fetch keeps the keys already known.
 */
@ApplicationScoped
public class JwksSource {

    private static final Logger LOG = Logger.getLogger(JwksSource.class);

    private final KeysConfig config;
    private final Vertx vertx;
    private final AtomicReference<JWKSet> cached = new AtomicReference<>(new JWKSet());
    private final boolean remote;
    /** The signer's own keys, when this service holds the key file: always the ring in use. */
    private final SigningKeys signingKeys;
    private volatile long lastFetchNanos;
    private volatile Uni<JWKSet> inFlight;
    private WebClient client;
    private long refreshTimer = -1;

    JwksSource(KeysConfig config, SigningKeys signingKeys, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
        Optional<KeyRing> ring = signingKeys.ring();
        String url = config.jwksUrl();
        this.signingKeys = ring.isPresent() ? signingKeys : null;
        if (ring.isPresent()) {
            remote = false;
        } else if (url.startsWith("file:")) {
            try {
                cached.set(publicSet(Files.readString(Path.of(url.substring("file:".length())))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the JWKS at " + url, e);
            }
            remote = false;
        } else {
            remote = true;
            refreshTimer = vertx.setPeriodic(config.jwksRefreshInterval().toMillis(),
                    id -> fetch().subscribe().with(set -> LOG.debugf("JWKS refreshed: %d keys", set.getKeys().size()),
                            e -> LOG.warnf("JWKS refresh failed: %s", e.getMessage())));
        }
    }

    private static JWKSet publicSet(String json) {
        try {
            return JWKSet.parse(json).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK set", e);
        }
    }

    /** The public key with this `kid`, fetching the JWKS again if it is not known yet. */
    public Uni<Optional<JWK>> key(String kid) {
        if (signingKeys != null) {
            // a reloaded key file is trusted at once, a pruned key no longer
            return Uni.createFrom().item(Optional.ofNullable(signingKeys.required().publicJwkSet().getKeyByKeyId(kid)));
        }
        JWK known = cached.get().getKeyByKeyId(kid);
        if (known != null || !remote) {
            return Uni.createFrom().item(Optional.ofNullable(known));
        }
        long sinceLastFetch = System.nanoTime() - lastFetchNanos;
        if (lastFetchNanos != 0 && sinceLastFetch < config.jwksRefetchInterval().toNanos()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return fetch().map(set -> Optional.ofNullable(set.getKeyByKeyId(kid)));
    }

    private synchronized Uni<JWKSet> fetch() {
        if (inFlight == null) {
            if (client == null) {
                client = WebClient.create(vertx);
            }
            var request = client.getAbs(config.jwksUrl());
            // a fetch for an unknown kid belongs to the request that brought it: token-service's log says so
            String requestId = RequestIds.current();
            if (requestId != null) {
                request.putHeader(RequestIds.HEADER, requestId);
            }
            inFlight = request.send()
                    .map(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("JWKS answered " + response.statusCode());
                        }
                        JWKSet set = publicSet(response.bodyAsString());
                        cached.set(set);
                        return set;
                    })
                    .onFailure().recoverWithItem(e -> {
                        LOG.warnf("cannot fetch the JWKS from %s: %s", config.jwksUrl(), e.getMessage());
                        return cached.get();
                    })
                    .eventually(() -> {
                        synchronized (this) {
                            lastFetchNanos = System.nanoTime();
                            inFlight = null;
                        }
                    })
                    .memoize().indefinitely();
        }
        return inFlight;
    }

    @PreDestroy
    void close() {
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
        if (client != null) {
            client.close();
        }
    }
}
