package io.keyfair.common.clientauth;

import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.nimbusds.jose.jwk.JWKSet;

import io.keyfair.common.client.ClientRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * A `private_key_jwt` client's public keys: its registered `jwks`, or the set at its `jwks_uri`,
 * fetched without blocking and kept for {@link #TTL}. A `kid` the kept set does not know makes
 * one new fetch at most every {@link #REFETCH_AFTER} (a client that rotated its keys is heard at
 * once; assertions with made-up kids cannot make us hammer its server). A fetch is bounded in
 * time ({@link #TIMEOUT}) and size ({@link #MAX_BYTES}), follows no redirect, and when it fails
 * the set kept so far stays in use until it expires. Private parts are never kept.
 */
@ApplicationScoped
public class ClientJwks {

    private static final Logger LOG = Logger.getLogger(ClientJwks.class);

    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration REFETCH_AFTER = Duration.ofSeconds(30);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_BYTES = 65_536;
    static final int MAX_CLIENTS = 10_000;

    /** A parsed set, from where it came (the registered JSON or the URL), and when it was read. */
    private record Kept(String source, JWKSet keys, long readAtNanos, Uni<JWKSet> fetching) {
    }

    private final Vertx vertx;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private volatile WebClient client;

    ClientJwks(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The client's public keys; a failed Uni when it has none we can read. */
    public Uni<JWKSet> keys(ClientRecord client, String kid) {
        if (client.jwks() != null) {
            return Uni.createFrom().item(() -> inline(client));
        }
        if (client.jwksUri() == null) {
            return Uni.createFrom().failure(new IllegalStateException("no jwks or jwks_uri registered"));
        }
        return remote(client, kid);
    }

    private JWKSet inline(ClientRecord client) {
        Kept known = kept.get(client.clientId());
        if (known != null && known.source().equals(client.jwks())) {
            return known.keys();
        }
        try {
            JWKSet set = JWKSet.parse(client.jwks()).toPublicJWKSet();
            remember(client.clientId(), new Kept(client.jwks(), set, System.nanoTime(), null));
            return set;
        } catch (ParseException e) {
            throw new IllegalStateException("the registered jwks is not a JWK set");
        }
    }

    private Uni<JWKSet> remote(ClientRecord client, String kid) {
        String url = client.jwksUri();
        Kept known = kept.get(client.clientId());
        long now = System.nanoTime();
        if (known != null && known.source().equals(url) && known.keys() != null) {
            long age = now - known.readAtNanos();
            boolean fresh = age < TTL.toNanos();
            boolean knowsKid = kid == null || known.keys().getKeyByKeyId(kid) != null;
            if (fresh && (knowsKid || age < REFETCH_AFTER.toNanos())) {
                return Uni.createFrom().item(known.keys());
            }
        }
        return fetch(client.clientId(), url, known);
    }

    private synchronized Uni<JWKSet> fetch(String clientId, String url, Kept known) {
        Kept current = kept.get(clientId);
        if (current != null && current.fetching() != null && current.source().equals(url)) {
            return current.fetching();
        }
        JWKSet stale = known != null && known.source().equals(url) ? known.keys() : null;
        Uni<JWKSet> fetching = webClient().getAbs(url)
                .timeout(TIMEOUT.toMillis())
                .putHeader("Accept", "application/jwk-set+json, application/json")
                .send()
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("jwks_uri answered " + response.statusCode());
                    }
                    if (response.body() == null || response.body().length() > MAX_BYTES) {
                        throw new IllegalStateException("jwks_uri answered nothing or more than " + MAX_BYTES + " bytes");
                    }
                    try {
                        return JWKSet.parse(response.bodyAsString()).toPublicJWKSet();
                    } catch (ParseException e) {
                        throw new IllegalStateException("jwks_uri did not answer a JWK set");
                    }
                })
                .invoke(set -> remember(clientId, new Kept(url, set, System.nanoTime(), null)))
                .onFailure().recoverWithUni(e -> {
                    LOG.infof("client %s: cannot fetch its jwks_uri: %s", clientId, e.getMessage());
                    // keep what we had (until its TTL), and do not ask again before REFETCH_AFTER
                    if (stale != null && System.nanoTime() - known.readAtNanos() < TTL.toNanos()) {
                        remember(clientId, new Kept(url, stale, known.readAtNanos(), null));
                        return Uni.createFrom().item(stale);
                    }
                    kept.remove(clientId);
                    return Uni.createFrom().failure(e);
                })
                .memoize().indefinitely();
        kept.put(clientId, new Kept(url, stale, known == null ? 0 : known.readAtNanos(), fetching));
        return fetching;
    }

    private void remember(String clientId, Kept entry) {
        if (kept.size() >= MAX_CLIENTS && !kept.containsKey(clientId)) {
            // bounded: a burst of clients empties the cache rather than growing it
            kept.clear();
        }
        kept.put(clientId, entry);
    }

    private WebClient webClient() {
        WebClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions()
                            .setFollowRedirects(false)
                            .setConnectTimeout((int) TIMEOUT.toMillis())
                            .setMaxPoolSize(8));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
