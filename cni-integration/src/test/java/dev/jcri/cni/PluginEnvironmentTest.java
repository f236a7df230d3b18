package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginEnvironmentTest {
    @Test
    void cniArgsInContainerdsOrder() {
        assertEquals("IgnoreUnknown=1;K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=coredns-abc;"
                        + "K8S_POD_INFRA_CONTAINER_ID=0123abcd;K8S_POD_UID=6f1c-22",
                PluginEnvironment.cniArgs("kube-system", "coredns-abc", "0123abcd", "6f1c-22"));
    }

    @Test
    void cniArgsRefuseSeparatorsInValues() {
        assertThrows(IllegalArgumentException.class, () -> PluginEnvironment.cniArgs("ns", "a;b", "id", "u"));
        assertThrows(IllegalArgumentException.class, () -> PluginEnvironment.cniArgs("ns", "a", "id", "u=1"));
        assertEquals("IgnoreUnknown=1;K8S_POD_NAMESPACE=;K8S_POD_NAME=;K8S_POD_INFRA_CONTAINER_ID=id;K8S_POD_UID=",
                PluginEnvironment.cniArgs("", null, "id", ""));
    }

    @Test
    void environmentInheritsButNotStrayCniVariables() {
        Map<String, String> env = PluginEnvironment.build(
                Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "CNI_ARGS", "stray", "CNI_NETNS", "/stray"),
                "ADD", "cid", "/run/netns/p", "eth0", "IgnoreUnknown=1", List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")));
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "CNI_COMMAND", "ADD", "CNI_CONTAINERID", "cid",
                "CNI_NETNS", "/run/netns/p", "CNI_IFNAME", "eth0", "CNI_ARGS", "IgnoreUnknown=1",
                "CNI_PATH", "/opt/cni/bin:/usr/lib/cni"), env);
    }

    @Test
    void versionCallsCarryOnlyTheCommandAndPath() {
        Map<String, String> env = PluginEnvironment.build(Map.of("CNI_IFNAME", "x"), "VERSION", null, null, null, null,
                List.of(Path.of("/usr/lib/cni")));
        assertEquals(Map.of("CNI_COMMAND", "VERSION", "CNI_PATH", "/usr/lib/cni", "PATH", PluginEnvironment.DEFAULT_PATH), env);
        assertFalse(env.containsKey("CNI_IFNAME"));
    }
}
