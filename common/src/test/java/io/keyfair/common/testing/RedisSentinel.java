package io.keyfair.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Redis behind one Sentinel on this machine for the tests of {@link RedisSentinelProfile}:
 * a master and a Sentinel process watching it as {@code keyfair}, and the services pointed at the
 * Sentinel with {@code quarkus.redis.client-type=sentinel}. Like {@link RedisCluster}, the processes
 * end with the tests, on a failed start and with the JVM.
 */
public class RedisSentinel implements QuarkusTestResourceLifecycleManager {

    static final String MASTER_NAME = "keyfair";

    private RedisProcesses processes;

    @Override
    public Map<String, String> start() {
        processes = new RedisProcesses("keyfair-redis-sentinel");
        try {
            List<Integer> ports = RedisProcesses.freePorts(2, false);
            int master = ports.get(0);
            int sentinel = ports.get(1);
            processes.startServer(master);
            processes.awaitPong(master);
            Path conf = processes.dir().resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n",
                    "port " + sentinel,
                    "bind 127.0.0.1",
                    "dir " + processes.dir(),
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 5000",
                    ""));
            processes.start(sentinel, "redis-server", conf.toString(), "--sentinel");
            processes.awaitPong(sentinel);
            processes.await(() -> RedisProcesses.cli(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
                    .contains(Integer.toString(master)), "the Sentinel names the master");
            return Map.of(
                    "quarkus.redis.client-type", "sentinel",
                    "quarkus.redis.master-name", MASTER_NAME,
                    "quarkus.redis.hosts", "redis://127.0.0.1:" + sentinel);
        } catch (IOException | RuntimeException e) {
            processes.stop();
            throw new IllegalStateException("cannot start Redis with a Sentinel: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (processes != null) {
            processes.stop();
        }
    }
}
