package io.keyfair.authorize.session;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link SessionsTest} against a three-master Redis Cluster: a session and its
 * user's index live under different hash tags, so they may sit on different nodes.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class SessionsOnRedisClusterTest extends SessionsTest {
}
