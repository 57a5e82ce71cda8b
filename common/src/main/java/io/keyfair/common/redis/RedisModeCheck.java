package io.keyfair.common.redis;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Stops start-up on a Redis configuration that cannot work, with a message that says why, rather
 * than with the first failing command: a Redis Cluster has only database 0, so a URL that names
 * another index (as the standalone test profile does) is refused in cluster mode.
 */
@ApplicationScoped
class RedisModeCheck {

    void onStart(@Observes StartupEvent event,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String clientType,
            @ConfigProperty(name = "quarkus.redis.hosts") Optional<List<URI>> hosts) {
        check(clientType, hosts.orElse(List.of()));
    }

    static void check(String clientType, List<URI> hosts) {
        if (!"cluster".equalsIgnoreCase(clientType)) {
            return;
        }
        for (URI host : hosts) {
            String path = host.getPath();
            if (path != null && !path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
                throw new IllegalStateException("KEYFAIR_REDIS_URL names database " + path.substring(1) + " of "
                        + host.getHost() + ":" + host.getPort() + ", but a Redis Cluster has only database 0");
            }
        }
    }
}
