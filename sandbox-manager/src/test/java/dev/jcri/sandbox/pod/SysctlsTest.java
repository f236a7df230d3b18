package dev.jcri.sandbox.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlsTest {

    @Test
    void namesBecomeProcSysPaths() {
        assertEquals(Map.of("net/ipv4/ip_local_port_range", "1024 65000", "kernel/shmmax", "1000", "fs/mqueue/msg_max", "20"),
                Sysctls.toProcPaths(Map.of("net.ipv4.ip_local_port_range", "1024 65000", "kernel.shmmax", "1000",
                        "fs.mqueue.msg_max", "20")));
    }

    @Test
    void slashSeparatedNamesKeepDotsInComponents() {
        assertEquals(Map.of("net/ipv4/conf/eth0.100/forwarding", "1"),
                Sysctls.toProcPaths(Map.of("net/ipv4/conf/eth0.100/forwarding", "1")));
    }
}
