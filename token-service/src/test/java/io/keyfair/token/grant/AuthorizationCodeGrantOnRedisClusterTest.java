package io.keyfair.token.grant;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link AuthorizationCodeGrantTest} against a three-master Redis Cluster: the code
 * flow at the token endpoint: a code and its used-marker redeemed by one script on one node, a
 * replay revoking what the code issued.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class AuthorizationCodeGrantOnRedisClusterTest extends AuthorizationCodeGrantTest {
}
