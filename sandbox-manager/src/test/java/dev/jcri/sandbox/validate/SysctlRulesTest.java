package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysctlRulesTest {

    @TempDir
    Path procSys;
    private SysctlRules rules;

    @BeforeEach
    void kernel() throws Exception {
        put("kernel/shmmax", "18446744073692774399");
        put("kernel/msgmax", "8192");
        put("kernel/sem", "32000\t1024000000\t500\t32000");
        put("kernel/panic", "0");
        put("net/ipv4/ip_local_port_range", "32768\t60999");
        put("net/ipv4/ip_unprivileged_port_start", "1024");
        put("net/ipv4/tcp_congestion_control", "cubic");
        put("net/ipv4/conf/default/forwarding", "0");
        put("net/core/somaxconn", "4096");
        rules = SysctlRules.of(procSys);
    }

    private void put(String path, String value) throws Exception {
        Files.createDirectories(procSys.resolve(path).getParent());
        Files.writeString(procSys.resolve(path), value + "\n");
    }

    private void check(String name, String value) throws Exception {
        rules.check(Map.of(name, value), true, true);
    }

    @Test
    void namespacedSysctlsWithValuesTheKernelTakesAreAccepted() throws Exception {
        check("kernel.shmmax", "123456789");
        check("kernel.sem", "250 32000 32 128");
        check("net.ipv4.ip_local_port_range", "1024 65000");
        check("net.ipv4.tcp_congestion_control", "bbr");
        check("net/ipv4/conf/eth0.100/forwarding", "1"); // the pod's interface: looked up as "default"
        check("net.ipv4.ip_unprivileged_port_start", "0");
    }

    @Test
    void namesMustBeNamespacedOwnedAndKnown() {
        invalid("config.linux.sysctls[kernel.panic]", () -> check("kernel.panic", "1"));
        invalid("config.linux.sysctls[net.core.somaxconn]", () -> rules.check(Map.of("net.core.somaxconn", "1"), false, true));
        invalid("config.linux.sysctls[kernel.sem]", () -> rules.check(Map.of("kernel.sem", "1 2 3 4"), true, false));
        invalid("config.linux.sysctls[net/../../etc]", () -> check("net/../../etc", "1"));
        invalid("config.linux.sysctls[]", () -> check("", "1"));
        invalid("config.linux.sysctls[kernel.shm*]", () -> check("kernel.shm*", "1"));
        invalid("config.linux.sysctls[net.ipv4.no_such_sysctl]", () -> check("net.ipv4.no_such_sysctl", "1"));
    }

    @Test
    void valuesMustHaveTheKernelsShape() {
        invalid("config.linux.sysctls[kernel.shmmax]", () -> check("kernel.shmmax", "lots"));
        invalid("config.linux.sysctls[kernel.msgmax]", () -> check("kernel.msgmax", ""));
        invalid("config.linux.sysctls[kernel.shmmax]", () -> check("kernel.shmmax", "1\nkernel.panic=1"));
        invalid("config.linux.sysctls[kernel.shmmax]", () -> check("kernel.shmmax", "9".repeat(1 << 20)));
        invalid("config.linux.sysctls[kernel.shmmax]", () -> check("kernel.shmmax", "99999999999999999999999"));
        invalid("config.linux.sysctls[kernel.sem]", () -> check("kernel.sem", "1 2 3"));
        invalid("config.linux.sysctls[net.core.somaxconn]", () -> check("net.core.somaxconn", "abc"));
        invalid("config.linux.sysctls[net.ipv4.ip_unprivileged_port_start]", () -> check("net.ipv4.ip_unprivileged_port_start", "70000"));
        invalid("config.linux.sysctls[net.ipv4.ip_local_port_range]", () -> check("net.ipv4.ip_local_port_range", "0 65535"));
    }
}
