package io.keyfair.common.client;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.scope.SpaceDelimited;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Client records for the hot paths, served from memory. The registry publishes a client's id on
 * Redis whenever it changes that client, and the entry is dropped at once; a short TTL is the
 * safety net for a missed message.
 */
@ApplicationScoped
public class ClientDirectory {

    private static final Logger LOG = Logger.getLogger(ClientDirectory.class);

    private static final String SELECT = """
            select c.client_id, c.client_name, c.status, c.token_endpoint_auth_method, c.grant_types, c.scope,
                   c.redirect_uris, c.access_token_ttl, c.introspection_allowed, c.id_token_signed_response_alg,
                   c.refresh_grace_seconds, c.trusted, c.frame_ancestors, c.app_type, c.owner_user_id::text as owner,
                   c.logo_uri, c.tos_uri, c.policy_uri, c.post_logout_redirect_uris, s.secret_hash, s.expires_at
              from clients c left join client_secrets s on s.client_id = c.client_id
             where c.client_id = $1""";

    /** A loaded entry, or (client == null) a tombstone marking when the client was evicted. */
    private record Cached(Optional<ClientRecord> client, long atNanos) {
    }

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final long ttlNanos;
    /** Unknown ids are cached too; past this many entries the cache starts over. */
    private static final int MAX_ENTRIES = 100_000;

    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();

    ClientDirectory(Pool pool, ReactiveRedisDataSource redis, RedisKeys keys,
            @ConfigProperty(name = "keyfair.clients.cache-ttl", defaultValue = "PT30S") Duration ttl) {
        this.pool = pool;
        this.redis = redis;
        this.keys = keys;
        this.ttlNanos = ttl.toNanos();
    }

    /** The client with this id, or empty when there is none. */
    public Uni<Optional<ClientRecord>> find(String clientId) {
        subscribeOnce();
        Cached hit = cache.get(clientId);
        if (hit != null && hit.client() != null && System.nanoTime() - hit.atNanos() < ttlNanos) {
            return Uni.createFrom().item(hit.client());
        }
        if (cache.size() > MAX_ENTRIES) {
            cache.clear();
        }
        long started = System.nanoTime();
        return pool.preparedQuery(SELECT).execute(Tuple.of(clientId)).map(ClientDirectory::toRecord)
                .invoke(found -> {
                    // an eviction that arrived while loading wins: do not cache what it voided
                    cache.merge(clientId, new Cached(found, started), (old, loaded) -> old.atNanos() > started ? old : loaded);
                });
    }

    /** Forgets a client so the next lookup reads it again. */
    public void evict(String clientId) {
        cache.put(clientId, new Cached(null, System.nanoTime()));
    }

    private void subscribeOnce() {
        if (!subscribed.compareAndSet(false, true)) {
            return;
        }
        redis.pubsub(String.class).subscribe(keys.clientChangesChannel(), this::evict)
                .subscribe().with(
                        s -> LOG.debug("listening for client changes"),
                        e -> {
                            LOG.warnf("cannot listen for client changes, relying on the cache TTL: %s", e.getMessage());
                            subscribed.set(false);
                        });
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
                List.copyOf(SpaceDelimited.parse(first.getString("post_logout_redirect_uris"))),
                List.copyOf(secrets)));
    }
}
