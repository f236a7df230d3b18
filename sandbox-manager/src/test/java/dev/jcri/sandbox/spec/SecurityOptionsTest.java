package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

@SuppressWarnings("deprecation") // the deprecated string fields are tested on purpose
class SecurityOptionsTest {
    @TempDir Path dir;

    private static final Api.SecurityProfile RUNTIME_DEFAULT = Api.SecurityProfile.newBuilder()
            .setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault).build();

    private static Set<String> allowed(OciSpec.Seccomp s) {
        return s.syscalls().stream().filter(r -> r.action().equals("SCMP_ACT_ALLOW") && r.args().isEmpty())
                .flatMap(r -> r.names().stream()).collect(Collectors.toSet());
    }

    private static OciSpec.Seccomp seccomp(Api.LinuxContainerSecurityContext.Builder sc, List<String> caps) throws Exception {
        return SecurityOptions.seccomp(sc.build(), false, caps, TestInputs.host());
    }

    @Test
    void maskedAndReadonlyPathDefaultsReplacedByRequestNoneWhenPrivileged() throws Exception {
        var empty = Api.LinuxContainerSecurityContext.getDefaultInstance();
        assertEquals(SecurityOptions.DEFAULT_MASKED_PATHS, SecurityOptions.maskedPaths(empty, false));
        assertEquals(SecurityOptions.DEFAULT_READONLY_PATHS, SecurityOptions.readonlyPaths(empty, false));
        var custom = Api.LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/x").addReadonlyPaths("/proc/y").build();
        assertEquals(List.of("/proc/x"), SecurityOptions.maskedPaths(custom, false));
        assertEquals(List.of("/proc/y"), SecurityOptions.readonlyPaths(custom, false));
        assertEquals(List.of(), SecurityOptions.maskedPaths(custom, true));
        assertEquals(List.of(), SecurityOptions.readonlyPaths(empty, true));
    }

    @Test
    void runtimeDefaultSeccompDeniesDangerousSyscallsAndAllowsCommonOnes() throws Exception {
        OciSpec.Seccomp s = seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(RUNTIME_DEFAULT), CapabilitySets.DEFAULT);
        assertEquals("SCMP_ACT_ERRNO", s.defaultAction());
        assertEquals(1, s.defaultErrnoRet());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), s.architectures());
        Set<String> allowed = allowed(s);
        for (String ok : List.of("read", "write", "openat", "mmap", "futex", "clone3", "execve", "epoll_wait", "arch_prctl",
                "chroot", "ptrace", "rseq", "exit_group", "wait4", "statx", "prctl", "getrandom")) {
            if (!ok.equals("clone3")) {
                assertTrue(allowed.contains(ok), ok);
            }
        }
        for (String denied : List.of("unshare", "mount", "reboot", "keyctl", "add_key", "request_key", "setns", "bpf",
                "kexec_load", "init_module", "open_by_handle_at", "io_uring_setup", "userfaultfd", "settimeofday", "iopl")) {
            assertFalse(allowed.contains(denied), denied);
        }
        // clone is allowed only without namespace flags, clone3 answers ENOSYS so libc falls back to clone.
        var clone = s.syscalls().stream().filter(r -> r.names().equals(List.of("clone"))).toList();
        assertEquals(1, clone.size());
        assertEquals("SCMP_CMP_MASKED_EQ", clone.getFirst().args().getFirst().op());
        var clone3 = s.syscalls().stream().filter(r -> r.names().equals(List.of("clone3"))).findFirst().orElseThrow();
        assertEquals("SCMP_ACT_ERRNO", clone3.action());
        assertEquals(38, clone3.errnoRet());
        assertTrue(s.syscalls().stream().noneMatch(r -> r.names().contains("cacheflush")), "arm-only rule dropped on amd64");
    }

    @Test
    void capabilitiesUnlockMoreSyscalls() throws Exception {
        OciSpec.Seccomp s = seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(RUNTIME_DEFAULT),
                List.of("CAP_SYS_ADMIN", "CAP_SYS_TIME"));
        Set<String> allowed = allowed(s);
        assertTrue(allowed.containsAll(List.of("mount", "unshare", "setns", "clone", "clone3", "settimeofday")));
        assertFalse(allowed.contains("reboot"));
        assertTrue(s.syscalls().stream().noneMatch(r -> r.action().equals("SCMP_ACT_ERRNO")), "no clone3 ENOSYS with CAP_SYS_ADMIN");
    }

    @Test
    void unsetUnconfinedAndPrivilegedHaveNoSeccomp() throws Exception {
        assertNull(seccomp(Api.LinuxContainerSecurityContext.newBuilder(), CapabilitySets.DEFAULT));
        assertNull(seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(
                Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.Unconfined)), CapabilitySets.DEFAULT));
        assertNull(seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("unconfined"), CapabilitySets.DEFAULT));
        assertNull(SecurityOptions.seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(RUNTIME_DEFAULT).build(),
                true, CapabilitySets.DEFAULT, TestInputs.host()));
    }

    @Test
    void aSeccompRequestToARuntimeThatCannotApplyOneIsRefusedNotDropped() throws Exception {
        HostFeatures noSeccomp = TestInputs.host().narrowedBy(true, false, true);
        var typed = assertThrows(JcriException.class, () -> SecurityOptions.seccomp(
                Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(RUNTIME_DEFAULT).build(), false,
                CapabilitySets.DEFAULT, noSeccomp));
        assertEquals("linux.security_context.seccomp", typed.field());
        var path = assertThrows(JcriException.class, () -> SecurityOptions.seccomp(
                Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("runtime/default").build(), false,
                CapabilitySets.DEFAULT, noSeccomp));
        assertEquals("linux.security_context.seccomp_profile_path", path.field());
        // asking for none is still fine there
        assertNull(SecurityOptions.seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(
                Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.Unconfined)).build(),
                false, CapabilitySets.DEFAULT, noSeccomp));
    }

    @Test
    void deprecatedPathStrings() throws Exception {
        assertNotNull(seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("runtime/default"), CapabilitySets.DEFAULT));
        assertNotNull(seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("docker/default"), CapabilitySets.DEFAULT));
        Path p = Files.writeString(dir.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_LOG\"}");
        assertEquals("SCMP_ACT_LOG", seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("localhost/" + p),
                CapabilitySets.DEFAULT).defaultAction());
        var e = assertThrows(JcriException.class,
                () -> seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath("weird"), CapabilitySets.DEFAULT));
        assertEquals("linux.security_context.seccomp_profile_path", e.field());
    }

    @Test
    void localhostProfileInDockerFormat() throws Exception {
        Path p = Files.writeString(dir.resolve("profile.json"), """
                {"defaultAction": "SCMP_ACT_ERRNO",
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]},
                             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
                 "syscalls": [
                   {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "x"},
                   {"name": "mount", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                   {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
                 ]}
                """);
        OciSpec.Seccomp s = seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.Localhost).setLocalhostRef(p.toString())), CapabilitySets.DEFAULT);
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), s.architectures());
        assertEquals(2, s.syscalls().size());
        assertEquals("18446744073709551615", s.syscalls().get(1).args().getFirst().value().toString());
        String json = new String(new OciSpec(null, null, null, null, null, null,
                new OciSpec.Linux(null, null, null, null, s, null, null, null, null)).toJson(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(json.contains("\"value\" : 18446744073709551615"), json);
        assertFalse(json.contains("comment"));
    }

    @Test
    void localhostProfileErrorsNameThePath() throws Exception {
        Api.SecurityProfile.Builder missing = Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.Localhost).setLocalhostRef(dir.resolve("none.json").toString());
        var e = assertThrows(JcriException.class,
                () -> seccomp(Api.LinuxContainerSecurityContext.newBuilder().setSeccomp(missing), CapabilitySets.DEFAULT));
        assertEquals("linux.security_context.seccomp.localhost_ref", e.field());
        assertTrue(e.getMessage().contains("none.json"));
        Path bad = Files.writeString(dir.resolve("bad.json"), "{not json");
        var b = assertThrows(JcriException.class, () -> seccomp(Api.LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(missing.clone().setLocalhostRef(bad.toString())), CapabilitySets.DEFAULT));
        assertTrue(b.getMessage().contains("bad.json"));
        assertThrows(JcriException.class, () -> seccomp(Api.LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(missing.clone().setLocalhostRef("relative.json")), CapabilitySets.DEFAULT));
    }

    @Test
    void appArmor() throws Exception {
        var localhost = Api.LinuxContainerSecurityContext.newBuilder().setApparmor(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.Localhost).setLocalhostRef("my-profile")).build();
        var e = assertThrows(JcriException.class, () -> SecurityOptions.appArmorProfile(localhost, false, false));
        assertTrue(e.getMessage().contains("AppArmor is not enabled on this node"));
        assertEquals("my-profile", SecurityOptions.appArmorProfile(localhost, false, true));
        var runtimeDefault = Api.LinuxContainerSecurityContext.newBuilder().setApparmor(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault)).build();
        assertNull(SecurityOptions.appArmorProfile(runtimeDefault, false, false));
        assertNull(SecurityOptions.appArmorProfile(Api.LinuxContainerSecurityContext.getDefaultInstance(), false, false));
        var deprecated = Api.LinuxContainerSecurityContext.newBuilder().setApparmorProfile("localhost/p2").build();
        assertEquals("p2", SecurityOptions.appArmorProfile(deprecated, false, true));
        assertThrows(JcriException.class, () -> SecurityOptions.appArmorProfile(deprecated, false, false));
    }

    @Test
    void appArmorRuntimeDefaultWhereAppArmorRunsIsRefusedNotLeftUnconfined() throws Exception {
        // jcri loads no default profile of its own: on an AppArmor node RuntimeDefault cannot be honoured
        var runtimeDefault = Api.LinuxContainerSecurityContext.newBuilder().setApparmor(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault)).build();
        var typed = assertThrows(JcriException.class,
                () -> SecurityOptions.appArmorProfile(runtimeDefault, false, true));
        assertEquals("linux.security_context.apparmor", typed.field());
        var deprecated = Api.LinuxContainerSecurityContext.newBuilder().setApparmorProfile("runtime/default").build();
        assertEquals("linux.security_context.apparmor_profile", assertThrows(JcriException.class,
                () -> SecurityOptions.appArmorProfile(deprecated, false, true)).field());
        // privileged means unconfined (as with seccomp); without AppArmor the runtime's default is none
        assertNull(SecurityOptions.appArmorProfile(runtimeDefault, true, true));
        assertNull(SecurityOptions.appArmorProfile(runtimeDefault, false, false));
        var unconfined = Api.LinuxContainerSecurityContext.newBuilder().setApparmor(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.Unconfined)).build();
        assertNull(SecurityOptions.appArmorProfile(unconfined, false, true));
    }

    @Test
    void selinuxLabelsWhereSelinuxRunsAreRefusedNotDropped() throws Exception {
        var labelled = Api.LinuxContainerSecurityContext.newBuilder().setSelinuxOptions(Api.SELinuxOption.newBuilder()
                .setType("container_t").setLevel("s0:c1,c2")).build();
        var e = assertThrows(JcriException.class, () -> SecurityOptions.checkSelinux(labelled, true));
        assertEquals("linux.security_context.selinux_options", e.field());
        SecurityOptions.checkSelinux(labelled, false); // no SELinux on the node: a label means nothing there
        SecurityOptions.checkSelinux(Api.LinuxContainerSecurityContext.newBuilder()
                .setSelinuxOptions(Api.SELinuxOption.getDefaultInstance()).build(), true); // empty: nothing asked
    }
}
