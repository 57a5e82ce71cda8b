package io.keyfair.common.redis;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

class RedisModeCheckTest {

    @Test
    void aDatabaseIndexOtherThanZeroStopsStartUpInClusterMode() {
        List<URI> hosts = List.of(URI.create("redis://10.0.0.1:6379"), URI.create("redis://10.0.0.2:6379/9"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisModeCheck.check("cluster", hosts));
        assertTrue(e.getMessage().contains("database 9 of 10.0.0.2:6379"), e.getMessage());
    }

    @Test
    void databaseZeroOrNoneIsFineInClusterMode() {
        assertDoesNotThrow(() -> RedisModeCheck.check("cluster",
                List.of(URI.create("redis://10.0.0.1:6379"), URI.create("redis://10.0.0.2:6379/"), URI.create("redis://10.0.0.3:6379/0"))));
    }

    @Test
    void standaloneAndSentinelKeepTheirIndex() {
        assertDoesNotThrow(() -> RedisModeCheck.check("standalone", List.of(URI.create("redis://127.0.0.1:6379/9"))));
        assertDoesNotThrow(() -> RedisModeCheck.check("sentinel", List.of(URI.create("redis://127.0.0.1:26379/1"))));
    }
}
