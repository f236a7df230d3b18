package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlsTest {

    @Test
    void namespacedSysctlsBecomeProcSysPaths() throws Exception {
        assertEquals(Map.of("net/ipv4/ip_local_port_range", "1024 65000", "kernel/shmmax", "1000", "fs/mqueue/msg_max", "20"),
                Sysctls.toProcPaths(Map.of("net.ipv4.ip_local_port_range", "1024 65000", "kernel.shmmax", "1000",
                        "fs.mqueue.msg_max", "20"), true, true));
    }

    @Test
    void slashSeparatedNamesKeepDotsInComponents() throws Exception {
        assertEquals(Map.of("net/ipv4/conf/eth0.100/forwarding", "1"),
                Sysctls.toProcPaths(Map.of("net/ipv4/conf/eth0.100/forwarding", "1"), true, true));
    }

    @Test
    void nodeWideAndForeignNamespaceSysctlsAreRefused() {
        assertTrue(assertThrows(JcriException.class,
                () -> Sysctls.toProcPaths(Map.of("kernel.panic", "1"), true, true)).getMessage().contains("not namespaced"));
        assertTrue(assertThrows(JcriException.class,
                () -> Sysctls.toProcPaths(Map.of("net.core.somaxconn", "1"), false, true)).getMessage().contains("host network"));
        assertTrue(assertThrows(JcriException.class,
                () -> Sysctls.toProcPaths(Map.of("kernel.sem", "1 2 3 4"), true, false)).getMessage().contains("IPC"));
        assertThrows(JcriException.class, () -> Sysctls.toProcPaths(Map.of("net/../../etc", "1"), true, true));
        assertThrows(JcriException.class, () -> Sysctls.toProcPaths(Map.of("net.ipv4.x", "1\n2"), true, true));
    }
}
