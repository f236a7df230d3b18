package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.jcri.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

class OciSpecBuilderTest {
    @TempDir Path dir;

    private static Api.LinuxContainerSecurityContext.Builder sc() {
        return Api.LinuxContainerSecurityContext.newBuilder();
    }

    private BuiltSpec build(Api.ContainerConfig.Builder c) throws Exception {
        return OciSpecBuilder.build(TestInputs.input(TestInputs.rootfs(dir), c.build()), TestInputs.host());
    }

    @Test
    void realisticContainerSerialisesToTheSpecsFieldNames() throws Exception {
        Api.ContainerConfig.Builder c = TestInputs.container()
                .addArgs("-c").addArgs("id")
                .addEnvs(Api.KeyValue.newBuilder().setKey("MODE").setValue(ByteString.copyFromUtf8("prod")))
                .setWorkingDir("/srv")
                .setTty(true)
                .putAnnotations("team", "web")
                .setStopSignal(Api.Signal.SIGQUIT)
                .setLinux(Api.LinuxContainerConfig.newBuilder()
                        .setResources(Api.LinuxContainerResources.newBuilder().setCpuShares(102).setMemoryLimitInBytes(1 << 26).setOomScoreAdj(980))
                        .setSecurityContext(sc().setRunAsUsername("app").addSupplementalGroups(3000).setNoNewPrivs(true)
                                .setReadonlyRootfs(true)
                                .setSeccomp(Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault))
                                .setCapabilities(Api.Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE"))));
        BuiltSpec b = build(c);
        JsonNode j = Json.reader().readTree(b.toJson());
        assertEquals(OciSpec.OCI_VERSION, j.get("ociVersion").asText());
        JsonNode p = j.get("process");
        assertTrue(p.get("terminal").asBoolean());
        assertEquals(1000, p.at("/user/uid").asInt());
        assertEquals(1001, p.at("/user/gid").asInt());
        assertEquals("[1001,44,29,3000]", p.at("/user/additionalGids").toString());
        assertEquals("[\"/bin/sh\",\"-c\",\"id\"]", p.get("args").toString());
        assertTrue(p.get("env").toString().contains("\"MODE=prod\""));
        assertTrue(p.get("env").toString().contains("\"HOSTNAME=web-0\""));
        assertEquals("/srv", p.get("cwd").asText());
        assertEquals("[\"CAP_NET_BIND_SERVICE\"]", p.at("/capabilities/bounding").toString());
        assertEquals("[]", p.at("/capabilities/inheritable").toString());
        assertTrue(p.get("noNewPrivileges").asBoolean());
        assertEquals(980, p.get("oomScoreAdj").asInt());
        assertEquals(TestInputs.rootfs(dir).toString(), j.at("/root/path").asText());
        assertTrue(j.at("/root/readonly").asBoolean());
        assertEquals("web-0", j.get("hostname").asText());
        assertEquals("/proc", j.at("/mounts/0/destination").asText());
        assertEquals("container", j.at("/annotations/io.kubernetes.cri.container-type").asText());
        assertEquals("web", j.at("/annotations/team").asText());
        assertEquals("default", j.at("/annotations/io.kubernetes.cri.sandbox-namespace").asText());
        JsonNode l = j.get("linux");
        assertEquals("/kubepods/pod1/c1", l.get("cgroupsPath").asText());
        assertEquals(102, l.at("/resources/cpu/shares").asInt());
        assertEquals(1 << 26, l.at("/resources/memory/limit").asInt());
        assertEquals("[{\"allow\":false,\"access\":\"rwm\"}]", l.at("/resources/devices").toString());
        assertEquals("SCMP_ACT_ERRNO", l.at("/seccomp/defaultAction").asText());
        assertTrue(l.get("maskedPaths").toString().contains("/proc/kcore"));
        assertTrue(l.get("readonlyPaths").toString().contains("/proc/sys"));
        assertEquals("network", l.at("/namespaces/4/type").asText());
        assertFalse(l.has("devices"), "empty lists are left out");
        assertFalse(l.has("rootfsPropagation"));
        assertEquals(3, b.stopSignal());
        assertEquals(1000, b.uid());
        assertEquals(List.of("/bin/sh", "-c", "id"), b.args());
    }

    @Test
    void defaultsWhenTheRequestSaysLittle() throws Exception {
        BuiltSpec b = OciSpecBuilder.build(TestInputs.input(TestInputs.rootfs(dir), Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("x")).build(), TestInputs.pod(),
                new ImageConfig(List.of("/entry"), List.of("run"), List.of(), "work", "nginx", List.of("/vol"), "SIGWINCH", Map.of())),
                TestInputs.host());
        assertEquals(List.of("/entry", "run"), b.args());
        assertEquals("/work", b.cwd());
        assertEquals(101, b.uid());
        assertEquals(28, b.stopSignal());
        assertEquals(List.of("/vol"), b.imageVolumes());
        assertNull(b.spec().linux().seccomp(), "unset seccomp is unconfined, as in containerd");
        assertEquals(0, b.spec().process().oomScoreAdj());
        assertNull(b.spec().process().terminal());
    }

    @Test
    void runAsUserAndGroup() throws Exception {
        BuiltSpec b = build(TestInputs.container().setLinux(TestInputs.linux(sc()
                .setRunAsUser(Api.Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Api.Int64Value.newBuilder().setValue(50)))));
        assertEquals(1000, b.uid());
        assertEquals(50, b.gid());
        assertEquals(List.of(50L, 44L, 29L), b.additionalGids());
    }

    @Test
    void usernameWinsOverUid() throws Exception {
        BuiltSpec b = build(TestInputs.container().setLinux(TestInputs.linux(sc()
                .setRunAsUser(Api.Int64Value.newBuilder().setValue(5)).setRunAsUsername("nginx"))));
        assertEquals(101, b.uid());
    }

    @Test
    void runAsGroupWithoutUserIsInvalid() throws Exception {
        var e = assertThrows(JcriException.class, () -> build(TestInputs.container().setLinux(TestInputs.linux(sc()
                .setRunAsGroup(Api.Int64Value.newBuilder().setValue(50))))));
        assertEquals("linux.security_context.run_as_group", e.field());
    }

    @Test
    void unknownUsernameIsInvalidAndNamed() {
        var e = assertThrows(JcriException.class, () -> build(TestInputs.container().setLinux(TestInputs.linux(sc()
                .setRunAsUsername("ghost")))));
        assertEquals("linux.security_context.run_as_username", e.field());
        assertTrue(e.getMessage().contains("ghost"));
    }

    @Test
    void selinuxLabelsAreCheckedAgainstTheNode() throws Exception {
        Api.ContainerConfig c = TestInputs.container().setLinux(TestInputs.linux(sc()
                .setSelinuxOptions(Api.SELinuxOption.newBuilder().setType("spc_t")))).build();
        var e = assertThrows(JcriException.class, () -> OciSpecBuilder.build(
                TestInputs.input(TestInputs.rootfs(dir), c), TestInputs.hostWithSelinux()));
        assertEquals("linux.security_context.selinux_options", e.field());
        OciSpecBuilder.build(TestInputs.input(TestInputs.rootfs(dir), c), TestInputs.host());
    }

    @Test
    void privilegedNeedsAPrivilegedPod() throws Exception {
        Api.ContainerConfig.Builder c = TestInputs.container().setLinux(TestInputs.linux(sc().setPrivileged(true)));
        var e = assertThrows(JcriException.class, () -> build(c));
        assertEquals("linux.security_context.privileged", e.field());
        Api.PodSandboxConfig pod = TestInputs.pod().toBuilder().setLinux(Api.LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(Api.LinuxSandboxSecurityContext.newBuilder().setPrivileged(true))).build();
        BuiltSpec b = OciSpecBuilder.build(TestInputs.input(TestInputs.rootfs(dir), c.build(), pod, TestInputs.image()), TestInputs.host());
        assertEquals(CapabilitySets.grantable(CapabilitySets.all(40)).size(), b.spec().process().capabilities().bounding().size());
        assertEquals(List.of(), b.spec().linux().maskedPaths());
        assertNull(b.spec().linux().seccomp());
        assertTrue(b.spec().linux().resources().devices().getFirst().allow());
        assertTrue(b.spec().linux().devices().stream().anyMatch(d -> d.path().equals("/dev/null")));
    }

    @Test
    void hostUtsHasNoHostnameField() throws Exception {
        SpecInput in = TestInputs.input(TestInputs.rootfs(dir), TestInputs.container().build());
        SpecInput host = new SpecInput(in.containerId(), in.container(), in.pod(), in.image(), in.rootfs(),
                new SpecInput.Namespaces(null, null, null, null, false), in.podFiles(), "", false);
        BuiltSpec b = OciSpecBuilder.build(host, TestInputs.host());
        assertNull(b.spec().hostname());
        assertNull(b.spec().linux().cgroupsPath());
        assertTrue(b.env().contains("HOSTNAME=web-0"));
    }
}
