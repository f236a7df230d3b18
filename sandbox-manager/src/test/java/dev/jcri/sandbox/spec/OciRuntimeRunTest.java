package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runtime.v1.Api;

/**
 * Runs specs built here with the real runc and crun (as root, with a busybox rootfs): proves that
 * config.json is accepted and that user, groups, capabilities, seccomp and masked paths take effect.
 * Skipped where the machine cannot run containers. Every container is deleted, and its cgroups
 * and the runtime's state directory are removed, whatever the outcome.
 */
class OciRuntimeRunTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "id", "cat", "grep", "wc", "unshare", "echo", "true");
    /** CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP */
    private static final String DEFAULT_CAPS_HEX = "00000000a80425fb";

    private Path dir;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String cgroupParent = "jcri-spec-test-" + suffix;
    private final List<String[]> created = new ArrayList<>(); // {runtime, id}

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs busybox-static");
        dir = Files.createTempDirectory("jcri-spec-run");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        try {
            for (String[] c : created) {
                run(runtimeCommand(c[0], "delete", "-f", c[1]), 30);
                String list = run(runtimeCommand(c[0], "list"), 30).output;
                assertFalse(list.contains(c[1]), c[0] + " still lists " + c[1] + ":\n" + list);
            }
        } finally {
            removeCgroups();
            deleteTree(dir);
        }
    }

    private Path state(String runtime) {
        return dir.resolve("state-" + runtime);
    }

    /**
     * The runtime's command line with a private state root. crun 1.8 refuses to work on a hybrid
     * host whose cgroup2 mount has controllers ("cgroups in hybrid mode not supported"), as on
     * these test machines (hugetlb sits on cgroup2); it is then run in a private mount namespace
     * without /sys/fs/cgroup/unified, where it sees plain cgroup v1. The host is not changed.
     */
    private List<String> runtimeCommand(String runtime, String... args) {
        List<String> cmd = new ArrayList<>();
        if (runtime.equals("crun") && hybridWithV2Controllers()) {
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "umount /sys/fs/cgroup/unified && exec \"$0\" \"$@\""));
        }
        cmd.add(runtime);
        cmd.add("--root");
        cmd.add(state(runtime).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static boolean hybridWithV2Controllers() {
        Path controllers = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
        return Files.exists(controllers) && !HostFeatures.readTrimmed(controllers).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void rootWithRuntimeDefaultSeccomp(String runtime) throws Exception {
        assumeRuntime(runtime);
        Api.LinuxContainerSecurityContext.Builder sc = Api.LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault));
        String masked = maskedFileOnThisHost();
        Result r = runContainer(runtime, sc, "id; grep Cap /proc/self/status; echo masked=$(wc -c < " + masked + "); "
                + "unshare -U true; echo unshare=$?; echo hostname=$(cat /etc/hostname) env=$HOSTNAME");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("uid=0(root) gid=0(root)"), r.output);
        assertEquals(DEFAULT_CAPS_HEX, capLine(r.output, "CapBnd"));
        assertEquals(DEFAULT_CAPS_HEX, capLine(r.output, "CapEff"));
        assertEquals("0000000000000000", capLine(r.output, "CapInh"));
        assertTrue(r.output.contains("Operation not permitted"), "seccomp must deny unshare:\n" + r.output);
        assertTrue(r.output.contains("unshare=1"), r.output);
        assertTrue(r.output.contains("masked=0"), "masked " + masked + " reads empty:\n" + r.output);
        assertTrue(r.output.contains("env=web-0"), r.output);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void unconfinedAllowsWhatTheDefaultProfileDenies(String runtime) throws Exception {
        assumeRuntime(runtime);
        Result r = runContainer(runtime, Api.LinuxContainerSecurityContext.newBuilder(), "unshare -U true; echo unshare=$?");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("unshare=0"), "without seccomp a user namespace is allowed:\n" + r.output);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void nonRootUserGroupsAndDroppedCapabilities(String runtime) throws Exception {
        assumeRuntime(runtime);
        Api.LinuxContainerSecurityContext.Builder sc = Api.LinuxContainerSecurityContext.newBuilder()
                .setRunAsUsername("app").addSupplementalGroups(3000).setReadonlyRootfs(true).setNoNewPrivs(true)
                .setCapabilities(Api.Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE"))
                .setSeccomp(Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault));
        Result r = runContainer(runtime, sc, "id; grep Cap /proc/self/status; grep NoNewPrivs /proc/self/status; "
                + "echo x > /rootfs-write-test; echo write=$?");
        assertEquals(0, r.exit, r.output);
        Matcher m = Pattern.compile("uid=(\\d+)\\S* gid=(\\d+)\\S* groups=(\\S+)").matcher(r.output);
        assertTrue(m.find(), r.output);
        assertEquals("1000", m.group(1));
        assertEquals("1001", m.group(2));
        Set<String> groups = new TreeSet<>();
        for (String g : m.group(3).split(",")) {
            groups.add(g.replaceAll("\\(.*", ""));
        }
        assertEquals(new TreeSet<>(List.of("1001", "44", "29", "3000")), groups, r.output);
        assertEquals("0000000000000400", capLine(r.output, "CapBnd"), r.output);
        assertEquals("0000000000000000", capLine(r.output, "CapEff"), "a non-root user has no effective caps:\n" + r.output);
        assertTrue(r.output.contains("NoNewPrivs:\t1"), r.output);
        assertTrue(r.output.contains("write=1") || r.output.contains("write=2"), "read-only rootfs:\n" + r.output);
    }

    private record Result(int exit, String output) {}

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void jvmRunsUnderTheDefaultProfileAsNonRoot(String runtime) throws Exception {
        assumeRuntime(runtime);
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(javaHome.startsWith("/usr"), "the JDK is taken from the host's /usr");
        Api.LinuxContainerSecurityContext.Builder sc = Api.LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Api.Int64Value.newBuilder().setValue(1000))
                .setCapabilities(Api.Capability.newBuilder().addDropCapabilities("ALL"))
                .setSeccomp(Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault));
        // The host's /usr (glibc, the JDK) as a read-only request mount; a JVM exercises threads
        // (clone with flags, clone3 falling back), futexes, rseq, mmap variants and signals.
        Api.Mount usr = Api.Mount.newBuilder().setHostPath("/usr").setContainerPath("/usr").setReadonly(true).build();
        Result r = runContainer(runtime, sc, javaHome.resolve("bin/java") + " -Xmx32m -Xshare:auto -version 2>&1; echo java=$?",
                List.of(usr), 512L << 20);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("java=0"), r.output);
        assertTrue(r.output.contains("version \"" + Runtime.version().feature()), r.output);
    }

    private Result runContainer(String runtime, Api.LinuxContainerSecurityContext.Builder sc, String script) throws Exception {
        return runContainer(runtime, sc, script, List.of(), 64L << 20);
    }

    private Result runContainer(String runtime, Api.LinuxContainerSecurityContext.Builder sc, String script,
                                List<Api.Mount> mounts, long memory) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle-" + runtime + "-" + created.size()));
        Path rootfs = TestInputs.rootfs(bundle);
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        // Debian's merged /usr layout, so that a host /usr mounted at /usr brings a working loader.
        Files.createSymbolicLink(rootfs.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(rootfs.resolve("lib64"), Path.of("usr/lib64"));
        Path pod = Files.createDirectories(bundle.resolve("pod"));
        Files.writeString(pod.resolve("hostname"), "web-0\n");
        Files.writeString(pod.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.writeString(pod.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
        Files.createDirectories(pod.resolve("shm"));
        String id = "jcri-spec-test-" + suffix + "-" + created.size();
        Api.ContainerConfig container = Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("test"))
                .addCommand("/bin/sh").addArgs("-c").addArgs(script)
                .addAllMounts(mounts)
                .setLinux(Api.LinuxContainerConfig.newBuilder().setSecurityContext(sc)
                        .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(memory).setCpuShares(256)))
                .build();
        SpecInput in = new SpecInput(id, container, TestInputs.pod(), TestInputs.image(), rootfs,
                new SpecInput.Namespaces(null, null, null, null, true),
                new SpecInput.PodFilePaths(pod.resolve("hostname"), pod.resolve("hosts"), pod.resolve("resolv.conf"), pod.resolve("shm")),
                "/" + cgroupParent + "/" + id, false);
        BuiltSpec built = OciSpecBuilder.build(in);
        Files.write(bundle.resolve("config.json"), withNewNamespaces(built.spec()).toJson());
        created.add(new String[] {runtime, id});
        ProcessOutput out = run(runtimeCommand(runtime, "run", "--bundle", bundle.toString(), id), 60);
        return new Result(out.exit, out.output);
    }

    /**
     * SpecInput's null namespace paths mean "the host's"; a test must not share the host's
     * network or UTS namespace, so it gives the container new ones (as a pod's pinned ones would be).
     */
    private static OciSpec withNewNamespaces(OciSpec s) {
        List<OciSpec.Namespace> fresh = Stream.of("pid", "ipc", "uts", "mount", "network")
                .map(t -> new OciSpec.Namespace(t, null)).toList();
        OciSpec.Linux l = s.linux();
        return new OciSpec(s.ociVersion(), s.process(), s.root(), "web-0", s.mounts(), s.annotations(),
                new OciSpec.Linux(fresh, l.resources(), l.cgroupsPath(), l.sysctl(), l.seccomp(), l.devices(),
                        l.rootfsPropagation(), l.maskedPaths(), l.readonlyPaths()));
    }

    /**
     * A default-masked /proc file that exists and has content here (kernels differ: this test VM
     * has no /proc/kcore), so that "reads empty" proves the mask.
     */
    private static String maskedFileOnThisHost() throws IOException {
        for (String p : SecurityOptions.DEFAULT_MASKED_PATHS) {
            Path f = Path.of(p);
            if (p.startsWith("/proc/") && Files.isRegularFile(f) && !HostFeatures.readTrimmed(f).isEmpty()) {
                return p;
            }
        }
        assumeTrue(false, "no default-masked /proc file with content on this host");
        return null;
    }

    private static String capLine(String output, String name) {
        Matcher m = Pattern.compile(name + ":\\s*([0-9a-f]+)").matcher(output);
        assertTrue(m.find(), name + " missing:\n" + output);
        return m.group(1);
    }

    private static void assumeRuntime(String runtime) throws Exception {
        boolean found = Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin")
                .anyMatch(d -> Files.isExecutable(Path.of(d, runtime)));
        assumeTrue(found, runtime + " not installed");
    }

    private record ProcessOutput(int exit, String output) {}

    private static ProcessOutput run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        // Output is small; read it fully after exit would risk a full pipe only beyond 64 KiB.
        byte[] out;
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        out = p.getInputStream().readAllBytes();
        return new ProcessOutput(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** cgroup v1: the parent exists once per hierarchy; v2: once. Leaves are removed by the runtime's delete. */
    private void removeCgroups() throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> candidates = new ArrayList<>();
        candidates.add(root.resolve(cgroupParent));
        try (Stream<Path> hierarchies = Files.list(root)) {
            hierarchies.forEach(h -> candidates.add(h.resolve(cgroupParent)));
        }
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> leaves = Files.list(p)) {
                    for (Path leaf : leaves.filter(Files::isDirectory).toList()) {
                        Files.deleteIfExists(leaf); // rmdir of a cgroup
                    }
                }
                Files.deleteIfExists(p);
            }
        }
        for (Path p : candidates) {
            assertFalse(Files.exists(p), "cgroup left behind: " + p);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
