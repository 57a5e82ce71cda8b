package io.keyfair.common.client;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.scope.SpaceDelimited;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Client records for the hot paths, served from memory. The registry publishes a client's id on
 * Redis whenever it changes that client, and the entry is dropped at once; a short TTL is the
 * safety net for a missed message.
 *
 * <p>The subscription lives on its own Redis connection. When that connection ends (Redis
 * restarted, failed over, or the network broke) every entry is dropped, entries live at most a
 * second until the subscription is back, and it is made again at once and then every quarter
 * second; once it is back the cache is dropped again, since changes published meanwhile were
 * missed. So a suspension or a rotated secret reaches every instance within a second of Redis
 * answering again.
 */
@ApplicationScoped
public class ClientDirectory {

    private static final Logger LOG = Logger.getLogger(ClientDirectory.class);

    private static final String SELECT = """
            select c.client_id, c.client_name, c.status, c.token_endpoint_auth_method, c.grant_types, c.scope,
                   c.redirect_uris, c.access_token_ttl, c.introspection_allowed, c.id_token_signed_response_alg,
                   c.refresh_grace_seconds, c.trusted, c.frame_ancestors, c.app_type, c.owner_user_id::text as owner,
                   c.logo_uri, c.tos_uri, c.policy_uri, c.reason, c.post_logout_redirect_uris, c.rate_limit_client_credentials, c.rate_limit_other,
                   c.allowed_cors_origins, c.id_token_scope_claims,
                   c.jwks, c.jwks_uri,
                   c.require_pushed_authorization_requests,
                   c.dpop_bound_access_tokens,
                   s.secret_hash, s.expires_at
              from clients c left join client_secrets s on s.client_id = c.client_id
             where c.client_id = $1""";

    /** A loaded entry, or (client == null) a tombstone marking when the client was evicted. */
    private record Cached(Optional<ClientRecord> client, long atNanos) {
    }

    private final Pool pool;
    private final Redis redis;
    private final Vertx vertx;
    private final RedisKeys keys;
    private final long ttlNanos;
    /** Unknown ids are cached too; past this many entries the cache starts over. */
    private static final int MAX_ENTRIES = 100_000;

    /** How long an entry lives while changes cannot be heard. */
    private static final long UNHEARD_TTL_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long RESUBSCRIBE_MILLIS = 250;

    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<RedisConnection> connection = new AtomicReference<>();
    private volatile boolean listening;
    private volatile long droppedAtNanos;
    private volatile boolean stopped;

    ClientDirectory(Pool pool, Redis redis, Vertx vertx, RedisKeys keys,
            @ConfigProperty(name = "keyfair.clients.cache-ttl", defaultValue = "PT30S") Duration ttl) {
        this.pool = pool;
        this.redis = redis;
        this.vertx = vertx;
        this.keys = keys;
        this.ttlNanos = ttl.toNanos();
    }

    void onStart(@Observes StartupEvent event) {
        listen();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        RedisConnection current = connection.getAndSet(null);
        if (current != null) {
            current.close().subscribe().with(v -> {
            }, e -> {
            });
        }
    }

    private void dropAll() {
        droppedAtNanos = System.nanoTime();
        cache.clear();
        changed();
    }

    /**
     * Runs {@code listener} (on the event loop: it must not block) whenever a client changed, and
     * whenever changes may have been missed (the subscription was lost or made again), for
     * whatever else holds data derived from clients.
     */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    private void changed() {
        for (Runnable listener : changeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warnf("a client change listener failed: %s", e.getMessage());
            }
        }
    }

    /** Whether changes to clients are being heard right now (for readiness and tests). */
    public boolean isListening() {
        return listening;
    }

    /** The client with this id, or empty when there is none. */
    public Uni<Optional<ClientRecord>> find(String clientId) {
        Cached hit = cache.get(clientId);
        long ttl = listening ? ttlNanos : Math.min(ttlNanos, UNHEARD_TTL_NANOS);
        if (hit != null && hit.client() != null && System.nanoTime() - hit.atNanos() < ttl) {
            return Uni.createFrom().item(hit.client());
        }
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        long started = System.nanoTime();
        return pool.preparedQuery(SELECT).execute(Tuple.of(clientId)).map(ClientDirectory::toRecord)
                .invoke(found -> {
                    // an eviction or a dropped cache that came while loading wins: do not cache what it voided
                    if (started < droppedAtNanos) {
                        return;
                    }
                    cache.merge(clientId, new Cached(found, started), (old, loaded) -> old.atNanos() > started ? old : loaded);
                });
    }

    /** Forgets a client so the next lookup reads it again. */
    public void evict(String clientId) {
        cache.put(clientId, new Cached(null, System.nanoTime()));
    }

    private void listen() {
        if (stopped) {
            return;
        }
        redis.connect().subscribe().with(conn -> {
            if (stopped || !connection.compareAndSet(null, conn)) {
                conn.close().subscribe().with(v -> {
                }, e -> {
                });
                return;
            }
            conn.handler(this::onMessage);
            conn.exceptionHandler(e -> lost(conn, e));
            conn.endHandler(() -> lost(conn, null));
            conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(connectionName()))
                    .flatMap(named -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(keys.clientChangesChannel())))
                    .subscribe().with(
                            subscribed -> {
                                // whatever was published while nobody listened is lost: forget everything
                                dropAll();
                                listening = true;
                                LOG.debug("listening for client changes");
                            },
                            e -> lost(conn, e));
        }, e -> {
            LOG.debugf("cannot listen for client changes yet: %s", e.getMessage());
            retryLater();
        });
    }

    private void onMessage(Response message) {
        // RESP2 multi-bulk or RESP3 push: ["message", channel, client id]
        if (message != null && message.size() == 3 && "message".equalsIgnoreCase(message.get(0).toString())) {
            evict(message.get(2).toString());
            changed();
        }
    }

    private void lost(RedisConnection conn, Throwable cause) {
        if (!connection.compareAndSet(conn, null)) {
            return;
        }
        listening = false;
        dropAll();
        if (!stopped) {
            LOG.warnf("stopped hearing client changes (%s); entries now live at most a second until Redis answers again",
                    cause == null ? "connection closed" : cause.getMessage());
        }
        conn.close().subscribe().with(v -> {
        }, e -> {
        });
        retryLater();
    }

    private void retryLater() {
        if (!stopped) {
            vertx.setTimer(RESUBSCRIBE_MILLIS, id -> listen());
        }
    }

    /** Names the subscription's connection, so that an operator (or a test) can find it in CLIENT LIST. */
    private String connectionName() {
        return "keyfair-client-changes-" + keys.clientChangesChannel().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static Optional<ClientRecord> toRecord(RowSet<Row> rows) {
        Row first = null;
        List<ClientRecord.Secret> secrets = new ArrayList<>();
        for (Row row : rows) {
            if (first == null) {
                first = row;
            }
            if (row.getValue("secret_hash") != null) {
                OffsetDateTime expires = row.getOffsetDateTime("expires_at");
                secrets.add(new ClientRecord.Secret(row.getBuffer("secret_hash").getBytes(),
                        expires == null ? null : expires.toInstant()));
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        return Optional.of(new ClientRecord(
                first.getString("client_id"),
                first.getString("client_name"),
                ClientStatus.of(first.getString("status")),
                first.getString("token_endpoint_auth_method"),
                SpaceDelimited.parse(first.getString("grant_types")),
                SpaceDelimited.parse(first.getString("scope")),
                List.copyOf(SpaceDelimited.parse(first.getString("redirect_uris"))),
                first.getInteger("access_token_ttl"),
                first.getBoolean("introspection_allowed"),
                first.getString("id_token_signed_response_alg"),
                first.getInteger("refresh_grace_seconds"),
                first.getBoolean("trusted"),
                List.copyOf(SpaceDelimited.parse(first.getString("frame_ancestors"))),
                first.getString("app_type"),
                first.getString("owner"),
                first.getString("logo_uri"),
                first.getString("tos_uri"),
                first.getString("policy_uri"),
                first.getString("reason"),
                List.copyOf(SpaceDelimited.parse(first.getString("post_logout_redirect_uris"))),
                rateLimits(first.getInteger("rate_limit_client_credentials"), first.getInteger("rate_limit_other")),
                Set.copyOf(SpaceDelimited.parse(first.getString("allowed_cors_origins"))),
                first.getBoolean("id_token_scope_claims"),
                first.getString("jwks"),
                first.getString("jwks_uri"),
                first.getBoolean("require_pushed_authorization_requests"),
                List.copyOf(secrets),
                first.getBoolean("dpop_bound_access_tokens")));
    }

    private static ClientRecord.RateLimits rateLimits(Integer clientCredentials, Integer other) {
        return clientCredentials == null && other == null ? ClientRecord.RateLimits.DEFAULTS
                : new ClientRecord.RateLimits(clientCredentials, other);
    }
}
