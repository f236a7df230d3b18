package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static dev.jcri.sandbox.validate.Refusals.outOfRange;

import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

class PodConfigRulesTest {

    @TempDir
    Path procSys;
    private PodConfigRules rules;

    @BeforeEach
    void node() throws Exception {
        Files.createDirectories(procSys.resolve("kernel"));
        Files.writeString(procSys.resolve("kernel/shmmax"), "18446744073692774399\n");
        rules = PodConfigRules.of(Set.of("runc", "crun"), CgroupManager.of(CgroupDriver.CGROUPFS), ResourceRulesTest.NODE,
                SysctlRules.of(procSys));
    }

    /** What kubelet sends for a pod on the pod network. */
    static Api.PodSandboxConfig.Builder kubeletPod() {
        Api.PodSandboxConfig.Builder p = Api.PodSandboxConfig.newBuilder()
                .setMetadata(Api.PodSandboxMetadata.newBuilder().setName("web-0").setNamespace("default")
                        .setUid("6a2f1c3e-84b5-4a8e-9b1c-2d1e0f9a7b6c").setAttempt(0))
                .setHostname("web-0").setLogDirectory("/var/log/pods/default_web-0_6a2f1c3e")
                .setDnsConfig(Api.DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("default.svc.cluster.local")
                        .addOptions("ndots:5"))
                .addPortMappings(Api.PortMapping.newBuilder().setContainerPort(80).setProtocol(Api.Protocol.TCP))
                .putLabels("io.kubernetes.pod.name", "web-0").putAnnotations("kubernetes.io/config.source", "api");
        p.getLinuxBuilder().setCgroupParent("/kubepods/burstable/pod6a2f1c3e").putSysctls("kernel.shmmax", "1000000")
                .getResourcesBuilder().setCpuShares(2).setCpuPeriod(100_000);
        return p;
    }

    private void check(UnaryOperator<Api.PodSandboxConfig.Builder> edit) throws Exception {
        rules.check(edit.apply(kubeletPod()).build(), "");
    }

    @Test
    void kubeletsPodIsAccepted() throws Exception {
        check(p -> p);
        rules.check(kubeletPod().build(), "crun");
    }

    @Test
    void eachPartIsCheckedWithItsField() {
        invalid("config.metadata", () -> check(Api.PodSandboxConfig.Builder::clearMetadata));
        invalid("config.metadata.name", () -> check(p -> p.setMetadata(p.getMetadata().toBuilder().setName(" "))));
        invalid("config.metadata.uid", () -> check(p -> p.setMetadata(p.getMetadata().toBuilder().setUid("x".repeat(1 << 20)))));
        invalid("runtime_handler", () -> rules.check(kubeletPod().build(), "no-such-runtime"));
        invalid("config.hostname", () -> check(p -> p.setHostname("bad\nname")));
        invalid("config.dns_config.servers[1]", () -> check(p -> p.setDnsConfig(p.getDnsConfig().toBuilder()
                .addServers("1.1.1.1\nnameserver 6.6.6.6"))));
        invalid("config.dns_config.options[1]", () -> check(p -> p.setDnsConfig(p.getDnsConfig().toBuilder().addOptions("a b"))));
        invalid("config.log_directory", () -> check(p -> p.setLogDirectory("relative")));
        outOfRange("config.port_mappings[1].host_port", () -> check(p -> p.addPortMappings(Api.PortMapping.newBuilder()
                .setContainerPort(80).setHostPort(70000))));
        invalid("config.linux.sysctls[kernel.panic]", () -> check(p -> {
            p.getLinuxBuilder().putSysctls("kernel.panic", "1");
            return p;
        }));
        invalid("config.linux.cgroup_parent", () -> check(p -> {
            p.getLinuxBuilder().setCgroupParent("/jcri\0x");
            return p;
        }));
        invalid("config.linux.cgroup_parent", () -> check(p -> {
            p.getLinuxBuilder().setCgroupParent("/" + "c".repeat(300));
            return p;
        }));
        invalid("config.linux.cgroup_parent", () -> check(p -> {
            p.getLinuxBuilder().setCgroupParent("/a/../../b");
            return p;
        }));
        outOfRange("config.linux.resources.memory_limit_in_bytes", () -> check(p -> {
            p.getLinuxBuilder().getResourcesBuilder().setMemoryLimitInBytes(1);
            return p;
        }));
    }

    @Test
    void namespaceModesAPodCannotHaveAreRefused() {
        String ns = "config.linux.security_context.namespace_options.";
        invalid(ns + "network", () -> check(p -> {
            p.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setNetworkValue(9);
            return p;
        }));
        invalid(ns + "pid", () -> check(p -> {
            p.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(Api.NamespaceMode.TARGET);
            return p;
        }));
    }
}
