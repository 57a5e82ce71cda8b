package io.keyfair.common.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class OutboundAddressesTest {

    @Test
    void onlyLoopbackNamesMayTakePlainHttp() {
        for (String host : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            assertTrue(OutboundAddresses.isLoopbackName(host), host);
        }
        for (String host : new String[] {"example.com", "10.0.0.1", "127.0.0.1.example.com", "localhost.example.com", "128.0.0.1",
                "127.0.0.256"}) {
            assertFalse(OutboundAddresses.isLoopbackName(host), host);
        }
    }

    @Test
    void privateLoopbackLinkLocalAndUnspecifiedAddressesAreRecognised() throws Exception {
        for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::"}) {
            assertTrue(OutboundAddresses.isPrivate(InetAddress.getByName(a)), a);
        }
        for (String a : new String[] {"93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111"}) {
            assertFalse(OutboundAddresses.isPrivate(InetAddress.getByName(a)), a);
        }
    }
}
