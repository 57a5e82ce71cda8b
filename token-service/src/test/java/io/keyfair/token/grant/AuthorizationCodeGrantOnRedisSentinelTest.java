package io.keyfair.token.grant;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.keyfair.common.testing.RedisSentinelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link AuthorizationCodeGrantTest} against a Redis master found through a
 * Sentinel: codes, their redemption script and the revocations a replay mirrors, in sentinel mode.
 */
@QuarkusTest
@TestProfile(RedisSentinelProfile.class)
@Tag(RedisClusterProfile.TAG)
class AuthorizationCodeGrantOnRedisSentinelTest extends AuthorizationCodeGrantTest {
}
