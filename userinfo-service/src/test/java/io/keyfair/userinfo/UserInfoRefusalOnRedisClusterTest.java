package io.keyfair.userinfo;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link UserInfoRefusalTest} against a three-master Redis Cluster: the revocation
 * check (one MGET of the epoch and every `{revoked}` key a token may be cut off by) on one node.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class UserInfoRefusalOnRedisClusterTest extends UserInfoRefusalTest {
}
