package io.keyfair.common.client;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.redis.RedisKeys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/** Tells every service's {@link ClientDirectory} that a client changed. */
@ApplicationScoped
public class ClientChanges {

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    ClientChanges(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Uni<Void> publish(String clientId) {
        return redis.pubsub(String.class).publish(keys.clientChangesChannel(), clientId);
    }
}
