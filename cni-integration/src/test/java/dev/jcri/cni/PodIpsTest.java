package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodIpsTest {
    private static final CniResult.Interface HOST = new CniResult.Interface("veth1", null, null, "");
    private static final CniResult.Interface ETH0 = new CniResult.Interface("eth0", null, null, "/run/netns/p");
    private static final CniResult.Interface NET1 = new CniResult.Interface("net1", null, null, "/run/netns/p");

    private static CniResult result(List<CniResult.Interface> ifs, CniResult.IpConfig... ips) {
        return new CniResult("1.0.0", ifs, List.of(ips), List.of(), null);
    }

    private static CniResult.IpConfig ip(String address, Integer itf) {
        return new CniResult.IpConfig(address, null, itf);
    }

    @Test
    void ipv4IsPrimaryEvenWhenIpv6ComesFirst() {
        CniResult r = result(List.of(HOST, ETH0), ip("fd00::5/64", 1), ip("10.0.0.5/24", 1), ip("fd00::6/64", 1));
        assertEquals(List.of("10.0.0.5", "fd00::5", "fd00::6"), PodIps.select(r, "eth0"));
    }

    @Test
    void ipv6OnlyPods() {
        assertEquals(List.of("fd00::5"), PodIps.select(result(List.of(ETH0), ip("fd00::5/64", 0)), "eth0"));
    }

    @Test
    void onlyThePodInterfaceCounts() {
        CniResult r = result(List.of(HOST, ETH0, NET1), ip("192.168.1.1/24", 0), ip("10.9.0.2/24", 2), ip("10.0.0.5/24", 1));
        assertEquals(List.of("10.0.0.5"), PodIps.select(r, "eth0"));
    }

    @Test
    void withoutInterfaceIndexesEveryAddressIsThePods() {
        CniResult r = result(List.of(), ip("fd00::1/64", null), ip("10.0.0.7/24", null));
        assertEquals(List.of("10.0.0.7", "fd00::1"), PodIps.select(r, "eth0"));
    }

    @Test
    void noAddressNoIp() {
        assertEquals(List.of(), PodIps.select(result(List.of(ETH0)), "eth0"));
    }
}
