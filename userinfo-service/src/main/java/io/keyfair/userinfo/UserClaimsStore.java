package io.keyfair.userinfo;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.user.UserClaims;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads a user's claims: one prepared statement, then served from memory for at most
 * {@link UserInfoConfig#claimsCacheTtl()}. Nothing announces user changes to this service, so
 * the short TTL is the only invalidation; a deleted user is refused within it.
 */
@ApplicationScoped
@Startup // check the configuration when the service starts, not on its first request
public class UserClaimsStore {

    private static final String SELECT = "select " + UserClaims.COLUMNS + " from users where id = $1";

    /** A read user, or an empty one for an id with no user (deleted since the token was issued). */
    private record Cached(Optional<UserClaims> user, long atNanos) {
    }

    private final Pool pool;
    private final long ttlNanos;
    private final int maxEntries;
    private final ConcurrentHashMap<UUID, Cached> cache = new ConcurrentHashMap<>();

    UserClaimsStore(Pool pool, UserInfoConfig config) {
        if (config.claimsCacheTtl().isNegative() || config.claimsCacheTtl().compareTo(UserInfoConfig.MAX_CLAIMS_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("keyfair.userinfo.claims-cache-ttl must be between PT0S and "
                    + UserInfoConfig.MAX_CLAIMS_CACHE_TTL);
        }
        this.pool = pool;
        this.ttlNanos = config.claimsCacheTtl().toNanos();
        this.maxEntries = config.claimsCacheSize();
    }

    /** The claims of the user with this id, or empty when there is no such user. */
    public Uni<Optional<UserClaims>> find(String userId) {
        UUID id;
        try {
            id = UUID.fromString(userId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty()); // not a user id: no such user
        }
        Cached hit = cache.get(id);
        long now = System.nanoTime();
        if (hit != null && now - hit.atNanos() < ttlNanos) {
            return Uni.createFrom().item(hit.user());
        }
        return pool.preparedQuery(SELECT).execute(Tuple.of(id)).map(UserClaimsStore::toClaims)
                .invoke(user -> remember(id, user, now));
    }

    private void remember(UUID id, Optional<UserClaims> user, long readStartedNanos) {
        if (ttlNanos == 0) {
            return;
        }
        if (cache.size() >= maxEntries) {
            cache.clear();
        }
        // dated from before the read, so an entry never outlives the TTL counted from the data
        cache.put(id, new Cached(user, readStartedNanos));
    }

    private static Optional<UserClaims> toClaims(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(UserClaims.of(rows.iterator().next()));
    }
}
