package io.keyfair.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The keys each multi-key script or command touches map to one Redis Cluster hash slot, computed
 * as Redis does (CRC16/XMODEM of the hash tag, modulo 16384). Without their hash tags the same
 * names land in different slots, and the cluster refuses the step with {@code CROSSSLOT}: the
 * last test shows the check would catch that.
 */
class RedisKeysHashSlotTest {

    private final RedisKeys keys = new RedisKeys(() -> "kf:");

    /** The hash slot Redis Cluster assigns to a key. */
    static int slot(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        int crc = 0;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            crc ^= (b & 0xff) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return (crc & 0xffff) % 16384;
    }

    private static Set<Integer> slots(List<String> keys) {
        return keys.stream().map(RedisKeysHashSlotTest::slot).collect(Collectors.toSet());
    }

    @Test
    void slotsAreComputedAsRedisDoes() {
        // values from the Redis Cluster specification and `CLUSTER KEYSLOT`
        assertEquals(12739, slot("123456789"));
        assertEquals(slot("user1000"), slot("{user1000}.following"));
        assertEquals(slot("foo{}{bar}"), slot("foo{}{bar}"));
        assertEquals(slot("bar"), slot("foo{bar}{zap}"));
    }

    @Test
    void theWholeRevocationMirrorIsOneSlotForTheCheckAndTheRebuild() {
        // RevocationList's MGET, RevocationMirror's APPLY and FINISH scripts
        List<String> mirror = List.of(keys.revocationMirrorEpoch(), keys.revokedAccessToken("jti-1"),
                keys.clientTokensRevokedBefore("client-1"), keys.revokedGrant("grant-1"),
                keys.userClientTokensRevokedBefore("client-1", "user-1"), keys.userTokensRevokedBefore("user-1"),
                keys.revocationMirrorRebuild(), keys.revocationMirrorSweep(), keys.revokedAccessToken("jti-2"));
        assertEquals(1, slots(mirror).size());
    }

    @Test
    void aCodeAndItsUsedMarkerAreOneSlot() {
        String hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assertEquals(1, slots(List.of(keys.authorizationCode(hash), keys.usedAuthorizationCode(hash))).size());
    }

    @Test
    void theLoginFailuresOfAnAddressAndOfAnAccountThereAreOneSlot() {
        for (String address : List.of("203.0.113.7", "2001:db8::1")) {
            assertEquals(1, slots(List.of(keys.loginFailuresOfAddress(address),
                    keys.loginFailuresOfAccountAtAddress("seller{1}", address))).size(), address);
        }
    }

    @Test
    void everyCounterOfOneRateShardIsOneSlot() {
        for (int shard = 0; shard < RedisKeys.RATE_SHARDS; shard++) {
            final int wanted = shard;
            List<String> clients = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "client-" + i)
                    .filter(id -> RedisKeys.rateShard(id) == wanted).limit(20).toList();
            List<String> shardKeys = new java.util.ArrayList<>();
            for (String client : clients) {
                shardKeys.add(keys.requestCount(client, "cc", 29_000_000L));
                shardKeys.add(keys.requestCount(client, "other", 29_000_001L));
                shardKeys.add(keys.limitExcessMinutes(client));
            }
            assertEquals(1, slots(shardKeys).size(), "shard " + shard);
        }
    }

    @Test
    void theRateShardsSpreadOverSeveralSlots() {
        Set<Integer> shardSlots = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "client-" + i)
                .map(id -> slot(keys.limitExcessMinutes(id))).collect(Collectors.toSet());
        assertEquals(RedisKeys.RATE_SHARDS, shardSlots.size());
    }

    @Test
    void withoutHashTagsTheSameKeysWouldSpanSeveralSlots() {
        String hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        List<String> untagged = List.of("kf:code:" + hash, "kf:code-used:" + hash);
        assertNotEquals(1, slots(untagged).size(), "the check above would have failed");
        List<String> mirror = List.of("kf:revoked:mirror-epoch", "kf:revoked:jti:jti-1", "kf:revoked:client:client-1");
        assertNotEquals(1, slots(mirror).size());
    }

    @Test
    void aPrefixWithABraceIsRefused() {
        // it would become every key's hash tag, or cut the tags above short
        assertThrows(IllegalArgumentException.class, () -> new RedisKeys(() -> "kf{a}:"));
    }
}
