package io.keyfair.token.grant;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link RefreshTokenGrantTest} against a three-master Redis Cluster: refresh-token
 * rotation and reuse detection, with the grant revocations mirrored to the cluster.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class RefreshTokenGrantOnRedisClusterTest extends RefreshTokenGrantTest {
}
