package io.keyfair.common.limit;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link LimitCounterTest} against a three-master Redis Cluster: the counters of
 * each shard of clients flushed by one script on the node of the shard's hash tag.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class LimitCounterOnRedisClusterTest extends LimitCounterTest {
}
