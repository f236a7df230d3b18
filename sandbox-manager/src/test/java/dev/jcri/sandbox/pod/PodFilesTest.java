package dev.jcri.sandbox.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class PodFilesTest {

    @Test
    void resolvConfFollowsKubeletsDnsConfig() {
        assertEquals("search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5 edns0\n",
                PodFiles.resolvConf(Api.DNSConfig.newBuilder().addSearches("ns.svc.cluster.local").addSearches("svc.cluster.local")
                        .addServers("10.96.0.10").addServers("10.96.0.11").addOptions("ndots:5").addOptions("edns0").build()));
        assertEquals("nameserver 1.1.1.1\n", PodFiles.resolvConf(Api.DNSConfig.newBuilder().addServers("1.1.1.1").build()));
    }
}
