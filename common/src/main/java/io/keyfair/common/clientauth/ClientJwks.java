package io.keyfair.common.clientauth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.nimbusds.jose.jwk.JWKSet;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.http.OutboundAddresses;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * A `private_key_jwt` client's public keys: its registered `jwks`, or the set at its `jwks_uri`,
 * fetched without blocking and kept for {@link #TTL}. A `kid` the kept set does not know makes
 * one new fetch at most every {@link #REFETCH_AFTER} (a client that rotated its keys is heard at
 * once; assertions with made-up kids cannot make us hammer its server). A fetch is bounded in
 * time ({@link #TIMEOUT}, the whole exchange) and size ({@link #MAX_BYTES}, counted as the body
 * arrives, not after it was read), follows no redirect, and when it fails
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
    private final boolean refusePrivate;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private volatile HttpClient client;

    @Inject
    ClientJwks(Vertx vertx, ClientKeysConfig config) {
        this(vertx, config.refusePrivateAddresses());
    }

    ClientJwks(Vertx vertx, boolean refusePrivate) {
        this.vertx = vertx;
        this.refusePrivate = refusePrivate;
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
        Uni<JWKSet> fetching = download(url)
                .map(body -> {
                    try {
                        return JWKSet.parse(body).toPublicJWKSet();
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

    /**
     * The body of a 200 answer from `url` (not from a private address when those are refused:
     * {@link ClientKeysConfig}), read as it arrives and given up on (the connection
     * closed) past {@link #MAX_BYTES} or {@link #TIMEOUT} for the whole exchange, so a server that
     * sends without end, or a byte at a time, costs at most that much memory and time.
     */
    private Uni<String> download(String url) {
        if (!refusePrivate) {
            return get(url);
        }
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (host == null) {
            return Uni.createFrom().failure(new IllegalStateException("jwks_uri is not an absolute URL"));
        }
        return OutboundAddresses.resolvesToPrivate(vertx, host).flatMap(refused -> refused
                ? Uni.createFrom().failure(new IllegalStateException("jwks_uri resolves to a private address"))
                : get(url));
    }

    private Uni<String> get(String url) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setFollowRedirects(false)
                .setIdleTimeout(TIMEOUT.toMillis())
                .putHeader("Accept", "application/jwk-set+json, application/json");
        return httpClient().request(options).flatMap(request -> request.send()
                .flatMap(ClientJwks::boundedBody)
                .ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException("jwks_uri took more than " + TIMEOUT.toSeconds() + " s"))
                .onFailure().invoke(e -> request.reset()));
    }

    private static Uni<String> boundedBody(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return Uni.createFrom().failure(new IllegalStateException("jwks_uri answered " + response.statusCode()));
        }
        String declared = response.getHeader("Content-Length");
        if (declared != null && !declared.isEmpty() && (declared.length() > 9 || !declared.chars().allMatch(Character::isDigit)
                || Integer.parseInt(declared) > MAX_BYTES)) {
            return Uni.createFrom().failure(tooLong());
        }
        return response.toMulti()
                .collect().in(Buffer::buffer, (body, chunk) -> {
                    if (body.length() + chunk.length() > MAX_BYTES) {
                        throw tooLong();
                    }
                    body.appendBuffer(chunk);
                })
                .map(body -> body.toString(StandardCharsets.UTF_8));
    }

    private static IllegalStateException tooLong() {
        return new IllegalStateException("jwks_uri answered more than " + MAX_BYTES + " bytes");
    }

    private HttpClient httpClient() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()),
                            new PoolOptions().setHttp1MaxSize(8));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.closeAndForget();
        }
    }
}
