package io.keyfair.token.revoke;

import org.junit.jupiter.api.Tag;

import io.keyfair.common.testing.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every test of {@link RevocationAndIntrospectionTest} against a three-master Redis Cluster:
 * revocation written to the mirror and checked by introspection in one MGET on the node of the
 * {revoked} tag.
 */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
@Tag(RedisClusterProfile.TAG)
class RevocationAndIntrospectionOnRedisClusterTest extends RevocationAndIntrospectionTest {
}
