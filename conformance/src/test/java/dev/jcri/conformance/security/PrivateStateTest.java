package dev.jcri.conformance.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Another local user of the node against jcri's root and state, with a pod and a running container
 * whose image carries a setuid-root binary and whose environment carries a secret: nothing below
 * root and state is reachable, let alone listable or readable; no layer's setuid file runs; the
 * bundle's config.json and the container record stay unread; the CRI socket refuses the user and
 * never appears with a looser mode. A root and state left by an older jcri (0755 directories,
 * 0644 files) are made private at start.
 *
 * <p>The node's directory is traversable (0755), as /var/lib and /run are, so jcri's own modes are
 * the only barrier.
 */
class PrivateStateTest {

    @TempDir
    Path dir;

    private Path node;
    private Path socket;
    private final String secret = "hunter2-" + UUID.randomUUID();

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself and look at its files");
    }

    @BeforeEach
    void traversableNode() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        node = Files.createDirectories(dir.resolve("node"));
        socket = node.resolve("state").resolve("jcri.sock"); // the production layout: the socket lives in the state dir
    }

    private List<String> args(TestNetwork network) throws IOException {
        Path config = dir.resolve("jcri.toml");
        if (!Files.exists(config)) {
            Files.writeString(config, network.jcriConfig());
        }
        return List.of("--config", config.toString(), "--socket", socket.toString());
    }

    /** The daemon with umask 000: whatever it leaves to the umask comes out world-writable, and the probe sees it. */
    private static List<String> umaskZeroLauncher() {
        return List.of("/bin/sh", "-c", "umask 000; exec \"$@\"", "jcri-umask-000", JcriProcess.java().toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JcriProcess.jar().toString());
    }

    @Test
    void aLocalUserReachesNothingUnderRootAndState() throws Exception {
        // The state dir exists already (as /run/jcri does on a node), so inotify sees the socket arrive.
        Path state = Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx--x--x"));
        try (TestNetwork network = TestNetwork.create(dir);
                WatchService watcher = state.getFileSystem().newWatchService()) {
            // on Linux, ENTRY_CREATE is IN_CREATE|IN_MOVED_TO and ENTRY_MODIFY includes IN_ATTRIB (a chmod)
            state.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            try (JcriProcess jcri = JcriProcess.start(node, umaskZeroLauncher(), args(network));
                    CriClient cri = new CriClient(socket)) {
                assertEquals(List.of("ENTRY_CREATE"), eventsOf(watcher, state, socket.getFileName()),
                        "the socket appears at its path once, with its final mode (no chmod after it is there)");
                assertEquals("rw-rw----", mode(socket));
                Workload w = Workload.start(cri, dir, secret);
                try {
                    assertNothingReachable(jcri, w);
                } finally {
                    w.remove(cri);
                }
            }
        }
    }

    /** The kinds of events {@code watcher} saw for {@code name} in {@code dir} so far. */
    private static List<String> eventsOf(WatchService watcher, Path dir, Path name) throws IOException {
        // inotify keeps events in order: once the test's own fence file is reported, so is everything before it
        Path fence = Files.createFile(dir.resolve(".inotify-fence"));
        Files.delete(fence);
        List<String> kinds = new ArrayList<>();
        Deadline.await("inotify to report the fence", Duration.ofSeconds(10), () -> {
            WatchKey key = watcher.poll();
            if (key == null) {
                return null;
            }
            boolean fenced = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                if (name.equals(event.context())) {
                    kinds.add(event.kind().name());
                }
                fenced |= fence.getFileName().equals(event.context());
            }
            key.reset();
            return fenced ? Boolean.TRUE : null;
        });
        return kinds;
    }

    @Test
    void stateLeftByAnOlderVersionIsMadePrivateAtStart() throws Exception {
        try (TestNetwork network = TestNetwork.create(dir)) {
            Workload w;
            JcriProcess first = JcriProcess.start(node, args(network));
            try (CriClient cri = new CriClient(socket)) {
                w = Workload.start(cri, dir, secret);
            }
            assertEquals(0, first.terminate(Duration.ofSeconds(30)), first.logText()); // the container keeps running
            ageAsAnOlderVersionWould(first.root(), first.state());
            LocalUser user = new LocalUser(dir.resolve("probe"));
            assertTrue(user.attempt(List.of(w.configJson(first)), List.of()).of("readable").contains(w.configJson(first).toString()),
                    "precondition: the aged state exposes the container's config.json");

            try (JcriProcess second = JcriProcess.start(node, args(network));
                    CriClient cri = new CriClient(socket)) {
                try {
                    assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, w.containerId()).getState());
                    assertNothingReachable(second, w);
                    assertEquals("rw-------", mode(w.configJson(second)));
                    assertEquals("rw-------", mode(second.root().resolve("containers").resolve(w.containerId()).resolve("container.json")));
                    assertEquals("rw-------", mode(second.root().resolve("pods").resolve(w.podId()).resolve("pod.json")));
                    assertEquals("rw-r--r--", mode(second.root().resolve("pods").resolve(w.podId()).resolve("hosts")),
                            "bind-mounted into containers: stays readable for their users");
                    assertEquals("usable\n", Containers.exec(cri, w.containerId(), 10, "sh", "-c",
                            "cat /etc/hosts /etc/resolv.conf /etc/hostname > /dev/null && echo usable")
                            .getStdout().toString(StandardCharsets.UTF_8), "the container still reads its pod files");
                } finally {
                    w.remove(cri);
                }
            }
        }
    }

    /** The probe's verdict on everything under root and state: nothing deeper than the state dir's own entries may even be stat'ed. */
    private void assertNothingReachable(JcriProcess jcri, Workload w) throws Exception {
        assertTrue(Files.readString(w.configJson(jcri)).contains(secret), "precondition: config.json holds the secret");
        List<Path> paths = LocalUser.everythingUnder(jcri.root(), jcri.state());
        List<Path> setuid = setuidFiles(paths);
        assertFalse(setuid.isEmpty(), "precondition: the image's setuid binary is in its layer: " + paths.size() + " paths");

        LocalUser.Attempts got = new LocalUser(dir.resolve("probe")).attempt(paths, setuid);
        // The state dir is 0711 so that the socket's group can reach the socket: the names directly
        // in it can be stat'ed (not listed, not read). The root is 0700.
        assertEquals("rwx------", mode(jcri.root()));
        assertEquals("rwx--x--x", mode(jcri.state()));
        List<String> reached = got.of("reachable").stream().map(Path::of)
                .filter(p -> !p.equals(jcri.root()) && !p.equals(jcri.state()) && !jcri.state().equals(p.getParent()))
                .map(Path::toString).toList();
        assertEquals(List.of(), got.of("executed"), "setuid files of image layers run by a local user");
        assertFalse(got.of("readable").contains(w.configJson(jcri).toString()), "the container's environment: " + got.lines());
        assertEquals(List.of(), got.of("readable"), "files a local user can read");
        assertEquals(List.of(), got.of("listable"), "directories a local user can list");
        assertEquals(List.of(), got.of("connected"), "sockets a local user can connect to");
        assertEquals(List.of(), reached.subList(0, Math.min(20, reached.size())),
                reached.size() + " paths reachable by a local user, the first 20 shown");
    }

    private static List<Path> setuidFiles(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && (((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 04000) != 0) {
                out.add(p);
            }
        }
        return out;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * What jcri before issue #10 left: directories 0755, files 0644. Image and container contents
     * (layer and upper directories, mounted rootfs, shm, namespace pins) are not jcri's files and stay as they are.
     */
    private static void ageAsAnOlderVersionWould(Path root, Path state) throws IOException {
        List<String> mounts = new ArrayList<>(HostState.mountsUnder(root));
        mounts.addAll(HostState.mountsUnder(state));
        for (Path tree : List.of(root, state)) {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (mounts.contains(d.toString()) || d.getFileName().toString().equals("fs")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() && !mounts.contains(f.toString())) {
                        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    /**
     * A pod with a running container of an image with a setuid-root binary ({@code /opt/suid-id}, a
     * copy of the host's id(1)), run as nobody with a secret in its environment; the container has
     * read its pod's hosts, resolv.conf and hostname and written to its /dev/shm.
     */
    private record Workload(String podId, String containerId, Api.PodSandboxConfig pod) {

        static Workload start(CriClient cri, Path dir, String secret) throws Exception {
            Containers.busybox(cri);
            String image = Containers.registry().push("test/suid:1", TestImages.busyboxBuilder()
                    .layer(TestLayer.builder().dir("/opt").fileFrom("/opt/suid-id", Path.of("/usr/bin/id"), 04755).build())
                    .build()).reference();
            cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(image)).build());
            Api.PodSandboxConfig pod = Containers.pod("private", true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
            String podId = Pods.run(cri, pod);
            Api.ContainerConfig.Builder config = Containers.config("holder", image, "sh", "-c",
                    "cat /etc/hostname /etc/hosts /etc/resolv.conf > /dev/null && echo x > /dev/shm/x && echo usable; exec sleep 600")
                    .addEnvs(Api.KeyValue.newBuilder().setKey("SECRET_TOKEN")
                            .setValue(com.google.protobuf.ByteString.copyFromUtf8(secret)));
            config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Api.Int64Value.newBuilder().setValue(LocalUser.NOBODY));
            String id = Containers.run(cri, podId, pod, config.build());
            Path log = Path.of(Containers.status(cri, id).getLogPath());
            Deadline.await("the container to read its pod files as nobody", Duration.ofSeconds(30), () -> {
                try {
                    return (Files.exists(log) && Files.readString(log).contains("usable")) ? Boolean.TRUE : null;
                } catch (IOException e) {
                    return null;
                }
            });
            return new Workload(podId, id, pod);
        }

        Path configJson(JcriProcess jcri) {
            return jcri.state().resolve("containers").resolve(containerId).resolve("config.json");
        }

        void remove(CriClient cri) {
            Containers.stop(cri, containerId, 0);
            Containers.remove(cri, containerId);
            Pods.stopAndRemove(cri, podId);
        }
    }
}
