package io.keyfair.token.grant;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link ClientCredentialsTest} against a three-master Redis Cluster: the client
 * cache: a rotated secret or a suspension reaches it over pub/sub on a cluster within a second.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class ClientCredentialsOnRedisClusterTest extends ClientCredentialsTest {
}
