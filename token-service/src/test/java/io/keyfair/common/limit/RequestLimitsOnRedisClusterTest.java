package io.keyfair.common.limit;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link RequestLimitsTest} against a three-master Redis Cluster: request limits:
 * the counters of each shard of clients flushed by one script on their node.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class RequestLimitsOnRedisClusterTest extends RequestLimitsTest {
}
