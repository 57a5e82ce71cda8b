package io.keyfair.common.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs a service's tests against Redis behind a Sentinel ({@link RedisSentinel}). Its tests carry
 * the tag {@link RedisClusterProfile#TAG} too, so that they run in the same separate surefire
 * execution as the cluster's.
 */
public class RedisSentinelProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisSentinel.class));
    }

    @Override
    public String getConfigProfile() {
        return "test";
    }
}
