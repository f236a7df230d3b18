package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * The Debian package (bin/package) installed into this machine with dpkg, as an operator would:
 * its files and state directories are in place; the installed daemon (started by hand: no systemd
 * runs here) serves a container; an upgrade to a second build and a daemon restart leave that
 * container running (same pid, still RUNNING through the CRI); a purge while a pod is recorded keeps
 * the state and says so; a purge otherwise leaves nothing of the package.
 *
 * <p>The installed daemon runs on this test's private socket, root and state. Skipped where dpkg is
 * missing, without root, or where jcri is installed or its directories exist already: this test
 * installs and purges for real and must not take over an operator's installation.
 */
class DebianPackageTest {

    private static final Path ETC = Path.of("/etc/jcri");
    private static final Path LIB = Path.of("/usr/lib/jcri");
    private static final Path VAR = Path.of("/var/lib/jcri");
    private static final Path RUN = Path.of("/run/jcri");
    private static final Path UNIT = Path.of("/lib/systemd/system/jcri.service");

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyWhereTheMachineIsOurs() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")) && Files.isExecutable(Path.of("/usr/bin/dpkg-deb")),
                "dpkg is not available: the package cannot be tested here");
        assumeTrue("root".equals(System.getProperty("user.name")), "installing a package needs root");
        assumeTrue(Files.isExecutable(RuntimeImageTest.top().resolve("target/jcri-runtime/bin/java")),
                "jcri's runtime image was not built (target/jcri-runtime): run bin/runtime (bin/test does)");
        for (Path p : List.of(ETC, LIB, VAR, UNIT)) {
            assumeTrue(!Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " exists: jcri seems installed here; not touching it");
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), command + " timed out");
        assertEquals(0, p.exitValue(), command + " failed:\n" + out);
        return out;
    }

    /** The first build from bin/package, the second the same contents with a higher version (an upgrade). */
    private List<Path> twoBuilds() throws Exception {
        String built = run(List.of(RuntimeImageTest.top().resolve("bin/package").toString(),
                "--no-build", "--no-check", "--version", "0.1.0~test1")).strip();
        Path first = Files.move(Path.of(built.lines().reduce((a, b) -> b).orElseThrow()), dir.resolve("jcri_0.1.0~test1_amd64.deb"));
        Path tree = dir.resolve("tree");
        run(List.of("dpkg-deb", "-R", first.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replace("Version: 0.1.0~test1", "Version: 0.1.0~test2"));
        Path second = dir.resolve("jcri_0.1.0~test2_amd64.deb");
        run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", tree.toString(), second.toString()));
        return List.of(first, second);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private JcriProcess startInstalled() throws IOException {
        // env -i: nothing of this JVM's environment (no JAVA_HOME, no PATH to a JDK) reaches the daemon
        JcriProcess jcri = JcriProcess.start(dir.resolve("node"), List.of("env", "-i", "/usr/bin/jcri"),
                List.of("--config", "/etc/jcri/jcri.toml"));
        Path exe;
        try {
            exe = Path.of("/proc", Long.toString(jcri.process().pid()), "exe").toRealPath();
        } catch (IOException e) {
            jcri.close();
            throw e;
        }
        assertEquals(LIB.resolve("runtime/bin/java"), exe, "the installed daemon runs on the package's runtime");
        return jcri;
    }

    /**
     * What {@code crictl info} reports: the Status RPC's RuntimeReady and NetworkReady conditions,
     * both true on the installed daemon (NetworkReady from this machine's /etc/cni/net.d, which the
     * package's default configuration reads; polled: the CNI directory is watched, not read at start).
     */
    private static void assertReady(CriClient cri) {
        java.util.concurrent.atomic.AtomicReference<List<Api.RuntimeCondition>> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Deadline.await("RuntimeReady and NetworkReady", Duration.ofSeconds(30), () -> {
                List<Api.RuntimeCondition> conditions = cri.runtime().status(Api.StatusRequest.getDefaultInstance())
                        .getStatus().getConditionsList();
                last.set(conditions);
                boolean ready = conditions.stream().filter(c -> c.getType().equals("RuntimeReady") || c.getType().equals("NetworkReady"))
                        .filter(Api.RuntimeCondition::getStatus).count() == 2;
                return ready ? Boolean.TRUE : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; conditions: " + last.get(), e);
        }
    }

    private long containerPid(JcriProcess jcri, String id) throws IOException {
        return Long.parseLong(Files.readString(jcri.state().resolve("containers").resolve(id).resolve("pidfile")).strip());
    }

    @Test
    void installUpgradeWithARunningContainerThenPurgeLeavesNothing() throws Exception {
        boolean runExisted = Files.exists(RUN);
        List<Path> debs = twoBuilds();
        List<String> podIds = new ArrayList<>();
        try {
            run(List.of("dpkg", "-i", debs.get(0).toString()));
            assertTrue(Files.isExecutable(Path.of("/usr/bin/jcri")));
            assertTrue(Files.isRegularFile(LIB.resolve("jcri.jar")));
            assertTrue(Files.isRegularFile(UNIT));
            assertTrue(Files.readString(UNIT).contains("Type=notify"));
            assertTrue(Files.readString(ETC.resolve("jcri.toml")).contains("# socket = \"/run/jcri/jcri.sock\""),
                    "the config file shows the defaults, commented");
            assertTrue(Files.isDirectory(ETC.resolve("jcri.d")));
            assertEquals("rwx------", mode(VAR));
            assertEquals("rwx--x--x", mode(RUN), "the socket's directory: searchable, not listable");

            String podId;
            String containerId;
            long pid;
            try (JcriProcess jcri = startInstalled(); CriClient cri = new CriClient(jcri.socket())) {
                assertReady(cri);
                String image = Containers.busybox(cri);
                Api.PodSandboxConfig pod = Containers.pod("deb", false, Api.NamespaceMode.POD, dir.resolve("logs"));
                podId = Pods.run(cri, pod);
                podIds.add(podId);
                containerId = Containers.run(cri, podId, pod, Containers.config("survivor", image, "sleep", "600").build());
                pid = containerPid(jcri, containerId);
                // the upgrade replaces the files under the running daemon (prerm upgrade stops nothing); then a restart
                run(List.of("dpkg", "-i", debs.get(1).toString()));
                assertEquals(0, jcri.terminate(Duration.ofSeconds(30)));
            }
            assertTrue(run(List.of("dpkg-query", "-W", "-f=${Version}", "jcri")).contains("0.1.0~test2"));
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the container survived the upgrade");
            try (JcriProcess jcri = startInstalled(); CriClient cri = new CriClient(jcri.socket())) {
                assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, containerId).getState());
                assertEquals(pid, containerPid(jcri, containerId), "the same process, not a restarted one");
                Pods.stopAndRemove(cri, podId);
                podIds.clear();
            }

            run(List.of("dpkg", "-r", "jcri"));
            assertFalse(Files.exists(LIB) || Files.exists(Path.of("/usr/bin/jcri"), LinkOption.NOFOLLOW_LINKS) || Files.exists(UNIT));
            assertTrue(Files.exists(ETC.resolve("jcri.toml")), "remove keeps the configuration (a conffile)");

            // a pod still recorded in the default root: purge must keep the state and say why
            Path record = Files.createDirectories(VAR.resolve("pods").resolve("0123456789abcdef"));
            String purge = run(List.of("dpkg", "-P", "jcri"));
            assertTrue(purge.contains("purge keeps /var/lib/jcri"), purge);
            assertTrue(Files.exists(record));
            assertFalse(Files.exists(ETC), "purge removes the configuration, drop-ins included");
            Files.delete(record);

            run(List.of("dpkg", "-i", debs.get(1).toString()));
            run(List.of("dpkg", "-P", "jcri"));
            for (Path p : List.of(ETC, LIB, VAR, RUN, UNIT, Path.of("/usr/bin/jcri"))) {
                assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " is left after purge");
            }
            Process query = new ProcessBuilder("dpkg-query", "-W", "jcri").redirectErrorStream(true).start();
            query.getInputStream().readAllBytes();
            assertTrue(query.waitFor(30, TimeUnit.SECONDS));
            assertTrue(query.exitValue() != 0, "dpkg no longer knows jcri");
        } finally {
            cleanUp(podIds, runExisted);
        }
    }

    /** Whatever a failure left: the pod (through a daemon of our own), the package, the directories. */
    private void cleanUp(List<String> podIds, boolean runExisted) throws Exception {
        if (!podIds.isEmpty() && Files.isExecutable(Path.of("/usr/bin/jcri"))) {
            try (JcriProcess jcri = JcriProcess.start(dir.resolve("node"), List.of("/usr/bin/jcri"), List.of());
                    CriClient cri = new CriClient(jcri.socket())) {
                podIds.forEach(id -> Pods.stopAndRemove(cri, id));
            }
        }
        new ProcessBuilder("dpkg", "-P", "--force-all", "jcri").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.MINUTES);
        for (Path p : List.of(ETC, VAR)) {
            if (Files.exists(p)) {
                new ProcessBuilder("rm", "-rf", "--one-file-system", p.toString()).start().waitFor(1, TimeUnit.MINUTES);
            }
        }
        if (runExisted && !Files.exists(RUN)) {
            // a daemon run earlier on this machine left it (and its lock file); leave the machine as found
            Files.createDirectories(RUN);
            Files.setPosixFilePermissions(RUN, PosixFilePermissions.fromString("rwx--x--x"));
        } else if (!runExisted && Files.exists(RUN)) {
            new ProcessBuilder("rm", "-rf", "--one-file-system", RUN.toString()).start().waitFor(1, TimeUnit.MINUTES);
        }
    }
}
