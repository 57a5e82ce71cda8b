package io.keyfair.authorize.authorization;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link CodeFlowTest} against a three-master Redis Cluster: the code flow at the
 * authorization endpoint: pending requests, codes stored under their own hash tag.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class CodeFlowOnRedisClusterTest extends CodeFlowTest {
}
