package io.keyfair.registry.registration;

import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The `initial_access_tokens` table: the SHA-256 of each RFC 7591 initial access token and its expiry. */
@ApplicationScoped
public class InitialAccessTokens {

    private final Pool pool;

    InitialAccessTokens(Pool pool) {
        this.pool = pool;
    }

    /** Stores a new token's digest, usable until {@code expiresAt}. */
    public Uni<Void> add(byte[] tokenHash, Instant now, Instant expiresAt) {
        // expired tokens are of no use: purge them here so the table never grows without bound
        return pool.withTransaction(tx -> tx.preparedQuery("delete from initial_access_tokens where expires_at <= $1")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .call(() -> tx.preparedQuery("insert into initial_access_tokens (token_hash, created_at, expires_at) values ($1, $2, $3)")
                        .execute(Tuple.of(Buffer.buffer(tokenHash), now.atOffset(ZoneOffset.UTC), expiresAt.atOffset(ZoneOffset.UTC))))
                .replaceWithVoid());
    }

    /** Whether a token with this digest exists and has not expired by {@code now}. */
    public Uni<Boolean> isLive(byte[] tokenHash, Instant now) {
        return pool.preparedQuery("select 1 from initial_access_tokens where token_hash = $1 and expires_at > $2")
                .execute(Tuple.of(Buffer.buffer(tokenHash), now.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.size() > 0);
    }
}
