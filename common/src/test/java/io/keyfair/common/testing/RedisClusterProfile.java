package io.keyfair.common.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs a service's tests against a three-master Redis Cluster ({@link RedisCluster}) instead of
 * the standalone test Redis. Test classes with this profile carry the JUnit tag {@link #TAG}; the
 * services' builds run them in their own surefire execution, so the other tests keep the
 * standalone Redis and start the application once.
 */
public class RedisClusterProfile implements QuarkusTestProfile {

    /**
     * The JUnit tag of tests that start their own Redis: this cluster, or a Sentinel
     * ({@link RedisSentinelProfile}).
     */
    public static final String TAG = "redis-topology";

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisCluster.class));
    }

    @Override
    public String getConfigProfile() {
        return "test";
    }
}
