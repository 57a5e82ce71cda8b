package io.keyfair.authorize.login;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link LoginTest} against a three-master Redis Cluster: login throttling: the
 * failures of an address and of each account at it counted by one script on one node.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class LoginOnRedisClusterTest extends LoginTest {
}
