package io.keyfair.common.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real three-master Redis Cluster on this machine for the tests of {@link RedisClusterProfile}:
 * three {@code redis-server} processes in cluster mode (no persistence, files in a temporary
 * directory) joined by {@code redis-cli --cluster create}, and the services pointed at them with
 * {@code quarkus.redis.client-type=cluster}. The processes end when the tests end, when start-up
 * fails half way, and (by a shutdown hook) when the test JVM exits without stopping them.
 */
public class RedisCluster implements QuarkusTestResourceLifecycleManager {

    private static final int MASTERS = 3;

    private RedisProcesses processes;

    @Override
    public Map<String, String> start() {
        processes = new RedisProcesses("keyfair-redis-cluster");
        List<Integer> ports;
        try {
            ports = RedisProcesses.freePorts(MASTERS, true);
            for (int port : ports) {
                processes.startServer(port,
                        "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf",
                        "--cluster-node-timeout", "5000");
            }
            ports.forEach(processes::awaitPong);
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            RedisProcesses.run(create);
            for (int port : ports) {
                processes.await(() -> RedisProcesses.cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"),
                        "the cluster is ok on port " + port);
            }
        } catch (IOException | RuntimeException e) {
            processes.stop();
            throw new IllegalStateException("cannot start a Redis Cluster: " + e.getMessage(), e);
        }
        return Map.of(
                "quarkus.redis.client-type", "cluster",
                // a cluster has only database 0: no index in the URLs (the test profile names one)
                "quarkus.redis.hosts", ports.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(",")));
    }

    @Override
    public void stop() {
        if (processes != null) {
            processes.stop();
        }
    }
}
