package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runtime.v1.Api;

/**
 * Images built to attack the node, through the real pull path and a real CreateContainer (and
 * StartContainer where the OCI runtime does the work): symlinks in the image that point a VOLUME,
 * the WORKDIR, a CRI mount's container_path or the pod's /etc files out of the rootfs (to /etc, /tmp,
 * /proc, /sys), /etc/passwd and /etc/group pointing at host files, an /etc/passwd too large to
 * read, and hostile layers (".." and absolute names, writes through symlinks, hardlinks out, loops,
 * device nodes, setuid files, forged overlay xattrs).
 *
 * <p>Every path the image names carries this run's random token; after each case (in
 * {@link #tearDown}, whatever the case did) no name with the token may exist on the host outside
 * jcri's root, and the daemon must still answer. A case
 * either succeeds with the path created inside the rootfs (checked from inside the container) or
 * fails with INVALID_ARGUMENT naming the field.
 */
@ExtendWith(SharedRuntime.class)
class HostileImageTest {

    private static final String TOKEN = "jcri-hostile-" + UUID.randomUUID().toString().substring(0, 8);
    /** Host files a test plants on purpose (so not counted as escapes). */
    private static final String PLANTED = "jcri-planted-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String UP = "../".repeat(12);
    /** Where an escape would land: directories an image's links name, watched for the token. */
    private static final List<Path> WATCHED = List.of(Path.of("/"), Path.of("/tmp"), Path.of("/etc"), Path.of("/var/tmp"),
            Path.of("/root"), Path.of("/run"));

    @TempDir
    Path logs;

    private CriClient cri;
    private final Map<String, PodRef> pods = new LinkedHashMap<>();
    private final List<Path> planted = new ArrayList<>();

    private record PodRef(String id, Api.PodSandboxConfig config) {}

    /** A container's exit code and what it printed. */
    private record Result(String name, int exitCode, String output) {
        /** The output, after checking that the container succeeded. */
        String ok() {
            assertEquals(0, exitCode, "container " + name + " failed: " + output);
            return output;
        }
    }

    @BeforeEach
    void setUp(CriClient cri) throws Exception {
        this.cri = cri;
        Containers.busybox(cri); // starts the test registry and pulls the base layer once
    }

    /** Whatever the case did or threw: pods go, escapes are removed (not to litter the host) and then fail it. */
    @AfterEach
    void tearDown() throws IOException {
        pods.values().forEach(p -> Pods.stopAndRemove(cri, p.id()));
        List<Path> escaped = escapes();
        for (Path p : escaped) {
            deleteTree(p);
        }
        for (Path p : planted) {
            deleteTree(p);
        }
        assertEquals(List.of(), escaped, "names of this run's hostile images appeared on the host");
        assertDaemonAnswers();
    }

    // ------------------------------------------------------------ image VOLUMEs (jcri creates them)

    @Test
    void volumesThroughAbsoluteClimbingAndChainedSymlinksAreCreatedInsideTheRootfs() throws Exception {
        String image = pull("volume-links", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .symlink("/data", "/etc").symlink("/scratch", "/tmp")
                        .symlink("/climb", UP + "etc")
                        .symlink("/c1", "c2").symlink("/c2", "/c3").symlink("/c3", UP + "tmp")
                        .build())
                .volume("/data/" + TOKEN + "-etc").volume("/scratch/" + TOKEN + "-tmp")
                .volume("/climb/" + TOKEN + "-climb").volume("/c1/" + TOKEN + "-chain").build());
        String out = runOnUntouchedHost("runc", Containers.config("vollinks", image, "sh", "-c",
                "for d in /etc/" + TOKEN + "-etc /tmp/" + TOKEN + "-tmp /etc/" + TOKEN + "-climb /tmp/" + TOKEN + "-chain;"
                        + " do test -d $d || echo missing $d; done; echo checked"));
        assertEquals("checked", out.strip(), "each volume is a directory inside the container");
    }

    @Test
    void volumeThroughProcAndSysLinksNeverReachesTheHost() throws Exception {
        // On the host, /proc/self/root is jcri's own root and /sys/fs/cgroup/memory makes cgroups.
        String image = pull("volume-proc", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .symlink("/viaproc", "/proc/self/root/tmp")
                        .symlink("/viasys", "/sys/fs/cgroup/memory")
                        .build())
                .volume("/viaproc/" + TOKEN + "-proc").volume("/viasys/" + TOKEN + "-sys")
                .volume("/proc/" + TOKEN + "-direct").build());
        String out = runOnUntouchedHost("runc", Containers.config("volproc", image, "sh", "-c", "echo started"));
        assertEquals("started", out.strip()); // and no cgroup was made on the host: cgroup roots are watched
    }

    @Test
    void volumeThroughASymlinkLoopOrAFileIsRefusedNamingIt() throws Exception {
        String loop = pull("volume-loop", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().symlink("/l1", "l2").symlink("/l2", "/l1").build())
                .volume("/l1/" + TOKEN).build());
        Status status = createFails("runc", Containers.config("volloop", loop, "true"));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertTrue(status.getDescription().contains("image.config.Volumes") && status.getDescription().contains("/l1/" + TOKEN)
                && status.getDescription().contains("symbolic links"), status.getDescription());

        String overFile = pull("volume-file", TestImages.busyboxBuilder().volume("/etc/passwd/" + TOKEN).build());
        Status notDir = createFails("runc", Containers.config("volfile", overFile, "true"));
        assertEquals(Status.Code.INVALID_ARGUMENT, notDir.getCode(), notDir.toString());
        assertTrue(notDir.getDescription().contains("image.config.Volumes") && notDir.getDescription().contains("ENOTDIR"),
                notDir.getDescription());
    }

    // ------------------------------------------------------------ paths the OCI runtime creates

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void workingDirThroughSymlinksStaysInsideTheRootfs(String handler) throws Exception {
        String image = pull("workdir", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().symlink("/wd", "/tmp").symlink("/wdetc", UP + "etc").build())
                .workingDir("/wd/" + TOKEN + "-wd").build());
        assertEquals("/tmp/" + TOKEN + "-wd", run(handler, Containers.config("wd", image, "pwd")).ok().strip());

        Api.ContainerConfig.Builder fromRequest = Containers.config("wdreq", image, "pwd")
                .setWorkingDir("/wdetc/" + TOKEN + "-wdreq");
        assertEquals("/etc/" + TOKEN + "-wdreq", run(handler, fromRequest).ok().strip());
    }

    /**
     * runc's CVE-2024-21626: a working directory in a descriptor the runtime leaked (/proc/self/fd/N)
     * left the process in the host's filesystem. Whatever /proc path the cwd names, the container
     * either starts inside its rootfs or is refused; it never reads a host file by a relative path.
     */
    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void workingDirThroughProcNeverPutsTheProcessOnTheHost(String handler) throws Exception {
        Path marker = plant(Path.of("/tmp", PLANTED + "-marker"));
        Files.writeString(marker, "host-marker");
        String image = pull("workdir-proc", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().symlink("/wdp", "/proc/self/root/tmp").build()).build());
        List<String> dirs = new ArrayList<>(List.of("/wdp/" + TOKEN + "-wdp", "/proc/self/cwd/" + TOKEN, "/proc/1/root/tmp"));
        for (int fd = 3; fd <= 9; fd++) {
            dirs.add("/proc/self/fd/" + fd);
        }
        for (int i = 0; i < dirs.size(); i++) {
            String dir = dirs.get(i);
            Api.ContainerConfig.Builder config = Containers.config("wdproc" + i, image, "sh", "-c",
                    "cat " + UP.repeat(2) + "tmp/" + marker.getFileName() + " 2>/dev/null; echo done").setWorkingDir(dir);
            try {
                Result result = run(handler, config);
                assertFalse(result.output().contains("host-marker"), "cwd " + dir + " reached the host: " + result.output());
            } catch (StatusRuntimeException refused) { // the runtime refused it: as good, if said clearly
                assertTrue(refused.getStatus().getCode() != Status.Code.ALREADY_EXISTS, refused.getStatus().toString());
                assertDaemonAnswers();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void mountTargetThroughSymlinksStaysInsideTheRootfs(String handler) throws Exception {
        Path source = plant(Files.createTempDirectory(PLANTED));
        Files.writeString(source.resolve("marker"), "from-host");
        String image = pull("mounttarget", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().symlink("/m", "/tmp").symlink("/me", UP + "etc").build()).build());
        Api.ContainerConfig.Builder config = Containers.config("mnt", image, "sh", "-c",
                "cat /tmp/" + TOKEN + "-mnt/marker /etc/" + TOKEN + "-mnt2/marker");
        config.addMounts(Api.Mount.newBuilder().setHostPath(source.toString()).setContainerPath("/m/" + TOKEN + "-mnt"));
        config.addMounts(Api.Mount.newBuilder().setHostPath(source.toString()).setContainerPath("/me/" + TOKEN + "-mnt2"));
        assertEquals("from-hostfrom-host", run(handler, config).ok().strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void podEtcFilesThroughSymlinksStayInsideTheRootfs(String handler) throws Exception {
        String image = pull("podfiles", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .symlink("/etc/hosts", "/tmp/" + TOKEN + "-hosts")
                        .symlink("/etc/resolv.conf", "/etc/" + TOKEN + "-resolv")
                        .symlink("/etc/hostname", UP + "tmp/" + TOKEN + "-hostname")
                        .build())
                .build());
        String out = runOnUntouchedHost(handler, Containers.config("podfiles", image, "sh", "-c", "cat /etc/hostname; grep -c . /etc/hosts"));
        assertTrue(out.startsWith("hostile-" + handler + "\n"), out);
    }

    // ------------------------------------------------------------ users and groups

    @Test
    void passwdAndGroupLinkedToHostFilesAreNotRead() throws Exception {
        Path accounts = plant(Files.createDirectories(Path.of("/tmp", PLANTED + "-accounts")));
        Files.writeString(accounts.resolve("passwd"), "hostonly:x:4242:4242::/:/bin/sh\n");
        Files.writeString(accounts.resolve("group"), "hostgroup:x:4343:hostonly\n");
        String image = pull("accounts", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .symlink("/etc/passwd", accounts + "/passwd")
                        .symlink("/etc/group", UP + accounts.toString().substring(1) + "/group")
                        .symlink("/etc/shadow", "/proc/self/root" + accounts + "/passwd")
                        .build())
                .build());
        Api.ContainerConfig.Builder byName = Containers.config("hostuser", image, "id");
        byName.getLinuxBuilder().getSecurityContextBuilder().setRunAsUsername("hostonly");
        Status status = createFails("runc", byName);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertTrue(status.getDescription().contains("run_as_username") && status.getDescription().contains("not found"),
                status.getDescription());

        Api.ContainerConfig.Builder byGroup = Containers.config("hostgroup", image, "id");
        byGroup.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Api.Int64Value.newBuilder().setValue(4242));
        String ids = runOnUntouchedHost("runc", byGroup);
        assertFalse(ids.contains("4343"), "no group membership from the host's file: " + ids);
    }

    @Test
    void hugePasswdIsRefusedNamingTheLimit() throws Exception {
        byte[] comment = "# padding padding padding padding padding padding padding padding padding padding\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] passwd = new byte[8 << 20];
        for (int i = 0; i + comment.length <= passwd.length; i += comment.length) {
            System.arraycopy(comment, 0, passwd, i, comment.length);
        }
        byte[] entry = "big:x:1234:1234::/:/bin/sh\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(entry, 0, passwd, passwd.length - entry.length, entry.length);
        String image = pull("hugepasswd", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().file("/etc/passwd", passwd, 0644).build()).build());
        Api.ContainerConfig.Builder config = Containers.config("hugepasswd", image, "id");
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUsername("big");
        Status status = createFails("runc", config);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
        assertTrue(status.getDescription().contains("run_as_username") && status.getDescription().contains("/etc/passwd")
                && status.getDescription().contains("limit"), status.getDescription());
    }

    // ------------------------------------------------------------ hostile layers, pulled and run

    @Test
    void dotDotAndAbsoluteEntryNamesLandInsideTheLayer() throws Exception {
        String image = pull("dotdot", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .verbatimFile(UP + "tmp/" + TOKEN + "-dotdot", "x")
                        .verbatimFile("/tmp/" + TOKEN + "-abs", "x")
                        .verbatimFile("tmp/../../../../etc/" + TOKEN + "-mid", "x")
                        .build())
                .build());
        String out = runOnUntouchedHost("runc", Containers.config("dotdot", image, "sh", "-c",
                "cat /tmp/" + TOKEN + "-dotdot /tmp/" + TOKEN + "-abs /etc/" + TOKEN + "-mid"));
        assertEquals("xxx", out.strip());
    }

    @Test
    void filesWrittenThroughLayerSymlinksLandInsideTheLayer() throws Exception {
        String image = pull("through", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .symlink("/evil", "/tmp").file("/evil/" + TOKEN + "-abs", "a")
                        .symlink("/rel", UP + "etc").file("/rel/" + TOKEN + "-rel", "b")
                        .symlink("/c1", "c2").symlink("/c2", "/c3").symlink("/c3", "/tmp").file("/c1/" + TOKEN + "-chain", "c")
                        .symlink("/proclink", "/proc/self/root/tmp").file("/proclink/" + TOKEN + "-proc", "d")
                        .build())
                .build());
        String out = runOnUntouchedHost("runc", Containers.config("through", image, "sh", "-c",
                "cat /tmp/" + TOKEN + "-abs /etc/" + TOKEN + "-rel /tmp/" + TOKEN + "-chain /proc/../proc/self/root/tmp/"
                        + TOKEN + "-proc 2>/dev/null; echo"));
        assertTrue(out.startsWith("abc"), out);
    }

    @Test
    void hardlinksOutOfTheLayerStayInsideOrFailThePullAsLoopsDo() throws Exception {
        Path shadow = Path.of("/etc/shadow");
        int passwdLinks = (Integer) Files.getAttribute(Path.of("/etc/passwd"), "unix:nlink");
        int shadowLinks = (Integer) Files.getAttribute(shadow, "unix:nlink");
        // The image has an /etc/passwd: a link climbing to it is a link to the image's file.
        String climbing = pull("hardlink-in", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().verbatimHardlink(TOKEN + "-steal", UP + "etc/passwd").build()).build());
        String passwd = runOnUntouchedHost("runc", Containers.config("hardlink", climbing, "cat", "/" + TOKEN + "-steal"));
        assertTrue(passwd.contains("tester:x:1000:1000"), "the image's passwd: " + passwd);

        // The image has no /etc/shadow (the host has): such links, and symlink loops, fail the pull.
        List<TestLayer> hostile = List.of(
                TestLayer.builder().verbatimHardlink(TOKEN + "-steal", UP + "etc/shadow").build(),
                TestLayer.builder().symlink("/door", "/etc").hardlink("/" + TOKEN + "-steal", "/door/shadow").build(),
                TestLayer.builder().symlink("/l1", "l2").symlink("/l2", "l1").file("/l1/" + TOKEN, "x").build());
        for (int i = 0; i < hostile.size(); i++) {
            TestImage image = TestImages.busyboxBuilder().layer(hostile.get(i)).build();
            String ref = Containers.registry().push("hostile/layer" + i + ":" + TOKEN, image).reference();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.images().pullImage(
                    Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(ref)).build()),
                    "layer " + i + " must not be applied");
            assertTrue(String.valueOf(e.getStatus().getDescription()).contains("layer entry"), e.getStatus().toString());
            assertDaemonAnswers();
        }
        assertEquals(passwdLinks, (Integer) Files.getAttribute(Path.of("/etc/passwd"), "unix:nlink"), "no new link to it");
        assertEquals(shadowLinks, (Integer) Files.getAttribute(shadow, "unix:nlink"), "no new link to it");
    }

    @Test
    void deviceNodesFromALayerCannotBeOpenedInTheContainer() throws Exception {
        String image = pull("devices", TestImages.busyboxBuilder()
                .layer(TestLayer.builder()
                        .charDevice("/" + TOKEN + "-mem", 1, 1, 0666)
                        .charDevice("/" + TOKEN + "-kmsg", 1, 11, 0666)
                        .blockDevice("/" + TOKEN + "-disk", 8, 0, 0666)
                        .build())
                .build());
        String out = runOnUntouchedHost("runc", Containers.config("devices", image, "sh", "-c",
                "for d in mem kmsg disk; do head -c 1 /" + TOKEN + "-$d >/dev/null 2>&1 && echo $d=open || echo $d=denied; done"));
        assertEquals("mem=denied\nkmsg=denied\ndisk=denied", out.strip());
    }

    @Test
    void setuidBitsAreKeptInsideTheContainerOnly() throws Exception {
        String image = pull("setuid", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().dir("/opt").file("/opt/suid", "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII), 04755)
                        .file("/opt/sgid", new byte[] {1}, 02755).build())
                .build());
        String out = runOnUntouchedHost("runc", Containers.config("setuid", image, "stat", "-c", "%a", "/opt/suid", "/opt/sgid"));
        assertEquals("4755\n2755", out.strip(), "as containerd and CRI-O keep them");
    }

    @Test
    void forgedOverlayXattrsInALayerAreIgnored() throws Exception {
        String image = pull("xattrs", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().dir("/data").file("/data/kept", "lower").dir("/other").file("/other/f", "o").build())
                .layer(TestLayer.builder()
                        .dir("/data").xattr("trusted.overlay.opaque", "y")
                        .dir("/other").xattr("trusted.overlay.redirect", "/etc")
                        .file("/data/new", "upper").xattr("trusted.overlay.metacopy", "")
                        .build())
                .build());
        String out = runOnUntouchedHost("runc", Containers.config("xattrs", image, "sh", "-c", "cat /data/kept /data/new /other/f"));
        assertEquals("lower" + "upper" + "o", out.strip(), "the lower layer's files stay visible");
    }

    // ------------------------------------------------------------ helpers

    /** Pushes {@code image} to the test registry and pulls it through the runtime; returns the reference. */
    private String pull(String name, TestImage image) throws Exception {
        String ref = Containers.registry().push("hostile/" + name + ":" + TOKEN, image).reference();
        cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
        return ref;
    }

    private PodRef pod(String handler) {
        return pods.computeIfAbsent(handler, h -> {
            Api.PodSandboxConfig config = Containers.pod("hostile-" + h, true, Api.NamespaceMode.CONTAINER, logs);
            String id = cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(config)
                    .setRuntimeHandler(h).build()).getPodSandboxId();
            return new PodRef(id, config);
        });
    }

    /** Creates and starts the container, waits for it to exit and returns what it printed. */
    private Result run(String handler, Api.ContainerConfig.Builder config) throws IOException {
        PodRef pod = pod(handler);
        String id = Containers.run(cri, pod.id(), pod.config(), config.build());
        Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(30));
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(status.getLogPath()))) {
            String[] record = line.split(" ", 4); // timestamp, stream, P(artial) or F(ull), text
            out.append(record.length > 3 ? record[3] : "").append(record[2].equals("P") ? "" : "\n");
        }
        Containers.remove(cri, id);
        return new Result(config.getMetadata().getName(), status.getExitCode(), out.toString());
    }

    /** {@link #run}, then: the host is untouched (checked first: an escape explains a failure) and the container succeeded. */
    private String runOnUntouchedHost(String handler, Api.ContainerConfig.Builder config) throws IOException {
        Result result = run(handler, config);
        assertHostUntouched();
        return result.ok();
    }

    /** CreateContainer must fail; returns its status after checking the daemon still answers. */
    private Status createFails(String handler, Api.ContainerConfig.Builder config) {
        PodRef pod = pod(handler);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Containers.create(cri, pod.id(), pod.config(), config.build()));
        assertDaemonAnswers();
        return e.getStatus();
    }

    private void assertDaemonAnswers() {
        assertFalse(cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName().isEmpty());
    }

    private void assertHostUntouched() throws IOException {
        assertEquals(List.of(), escapes(), "names of this run's hostile images appeared on the host");
        assertDaemonAnswers();
    }

    /** Entries carrying the token in the watched host directories and the cgroup roots. */
    private static List<Path> escapes() throws IOException {
        List<Path> dirs = new ArrayList<>(WATCHED);
        dirs.addAll(cgroupRoots());
        List<Path> found = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().contains(TOKEN)).forEach(found::add);
            }
        }
        return found;
    }

    /** /sys/fs/cgroup (v2) or each v1 hierarchy under it. */
    private static List<Path> cgroupRoots() throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p)).toList();
        }
    }

    private Path plant(Path p) {
        planted.add(p);
        return p;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (p.startsWith("/sys/fs/cgroup")) {
            Files.delete(p); // a cgroup directory: rmdir, its files are not removable
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
