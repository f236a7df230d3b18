package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * A mount asked to be recursively read-only is either exactly that (every submount read-only
 * too) or refused with INVALID_ARGUMENT naming the field, leaving nothing behind; never a plain
 * read-only bind whose submounts stay writable. Runtimes ignore mount options they do not know,
 * so what the pod's handler can do is asked of it ({@code runtime features}), not assumed.
 */
@ExtendWith(SharedRuntime.class)
class RecursiveReadOnlyTest {

    @TempDir
    Path dir;

    /** A host directory with a tmpfs mounted at its "sub": what a non-recursive read-only bind leaves writable. */
    private Path volume;

    @BeforeEach
    void volumeWithASubmount() throws Exception {
        volume = Files.createDirectories(dir.resolve("volume"));
        Files.createDirectories(volume.resolve("sub"));
        run("mount", "-t", "tmpfs", "-o", "size=1m", "rro-test", volume.resolve("sub").toString());
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", volume.resolve("sub").toString());
    }

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), List.of(argv) + " hangs");
        return p.exitValue() + ":" + out;
    }

    /** Whether the runtime itself lists "rro" among its mount options. */
    private static boolean reportsRro(String runtime) throws Exception {
        String out = run(runtime, "features");
        return out.startsWith("0:") && out.contains("\"rro\"");
    }

    private Api.ContainerConfig.Builder writer(String image) {
        Api.ContainerConfig.Builder config = Containers.config("rro", image, "sh", "-c",
                "echo x > /data/sub/f 2>/dev/null; echo sub=$?; echo x > /data/f 2>/dev/null; echo top=$?");
        config.addMounts(Api.Mount.newBuilder().setContainerPath("/data").setHostPath(volume.toString())
                .setReadonly(true).setRecursiveReadOnly(true)
                .setPropagation(Api.MountPropagation.PROPAGATION_PRIVATE));
        return config;
    }

    /**
     * Creates the container in a pod of {@code handler}: refused cleanly when the handler cannot
     * do it (returns false), else checks the mount really is read-only all the way down (true).
     */
    private boolean honouredOrRefused(CriClient cri, JcriProcess jcri, String handler) throws Exception {
        String image = Containers.busybox(cri);
        Api.PodSandboxConfig pod = Containers.pod("rro-" + handler, true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
        String podId = cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(pod)
                .setRuntimeHandler(handler).build()).getPodSandboxId();
        try {
            List<String> before = leftovers(jcri);
            String id;
            try {
                id = Containers.run(cri, podId, pod, writer(image).build());
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
                assertTrue(e.getStatus().getDescription().contains("mounts[0].recursive_read_only"), e.toString());
                assertEquals(before, leftovers(jcri), "a refused create leaves no bundle, snapshot, record or mount");
                assertEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance())
                        .getContainersList().stream().filter(c -> c.getPodSandboxId().equals(podId)).count());
                return false;
            }
            Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(30));
            String log = Files.readString(Path.of(status.getLogPath()));
            assertTrue(log.contains("top=1"), "the mount itself is read-only: " + log);
            assertTrue(log.contains("sub=1"), "its submount is read-only too, not silently writable: " + log);
            assertTrue(Files.notExists(volume.resolve("sub").resolve("f")), "nothing written through the submount");
            return true;
        } finally {
            Pods.stopAndRemove(cri, podId);
        }
    }

    /** Bundles, records, snapshots and mounts of the daemon (a refused create must add none). */
    private static List<String> leftovers(JcriProcess jcri) throws Exception {
        List<String> found = new ArrayList<>();
        for (Path d : List.of(jcri.state().resolve("containers"), jcri.root().resolve("containers"),
                jcri.root().resolve("snapshots").resolve("snapshots"), jcri.root().resolve("snapshots").resolve("staging"))) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.map(Path::toString).sorted().forEach(found::add);
                }
            }
        }
        found.addAll(HostState.mountsUnder(jcri.state()));
        found.addAll(HostState.mountsUnder(jcri.root()));
        return found;
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void honouredByAHandlerThatReportsItRefusedByOneThatCannotTell(String handler, CriClient cri, JcriProcess jcri)
            throws Exception {
        // runc 1.1+ lists "rro" in `runc features`; crun 1.8 has no features command, so it cannot be asked
        boolean honoured = honouredOrRefused(cri, jcri, handler);
        assertEquals(reportsRro(handler), honoured, handler + ": honoured exactly when the runtime reports \"rro\"");
    }

    /**
     * kubelet (1.30+) admits a Pod asking for recursive read-only mounts only when Status says its
     * handler can do them; the default handler is also listed under "" (pods without a RuntimeClass).
     */
    @Test
    void statusTellsKubeletWhichHandlersCanDoIt(CriClient cri, JcriProcess jcri) throws Exception {
        java.util.Map<String, Boolean> reported = new java.util.TreeMap<>();
        for (Api.RuntimeHandler h : cri.runtime().status(Api.StatusRequest.getDefaultInstance()).getRuntimeHandlersList()) {
            reported.put(h.getName(), h.getFeatures().getRecursiveReadOnlyMounts());
        }
        assertEquals(new java.util.TreeMap<>(java.util.Map.of("", reportsRro("runc"), "runc", reportsRro("runc"),
                "crun", reportsRro("crun"))), reported);
    }

    /**
     * runc before 1.1 had no features command and ignored "rro" like any option it did not know:
     * played here by runc behind a script that drops the option and answers no features.
     */
    @Test
    void aRuntimeThatWouldIgnoreRroIsRefusedNotTrusted() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "starts jcri itself");
        Path oldRunc = dir.resolve("runc-1.0");
        Files.writeString(oldRunc, """
                #!/bin/sh
                # runc as before 1.1: no `features` command; mount options it does not know are ignored
                # (jcri passes global flags as single --flag=value words, so the first other word is the verb)
                verb=""; bundle=""; prev=""
                for a in "$@"; do
                  case "$a" in -*) ;; *) [ -z "$verb" ] && verb="$a";; esac
                  case "$prev" in --bundle|-b) bundle="$a";; esac
                  prev="$a"
                done
                if [ "$verb" = features ]; then echo "No help topic for 'features'" >&2; exit 1; fi
                if [ -n "$bundle" ]; then sed -i 's/, *"rro"//g' "$bundle/config.json"; fi
                exec runc "$@"
                """);
        Files.setPosixFilePermissions(oldRunc, PosixFilePermissions.fromString("rwx------"));
        try (TestNetwork network = TestNetwork.create(dir)) {
            Path config = Files.writeString(dir.resolve("jcri.toml"), network.jcriConfig()
                    + "[runtime]\nhandlers = { runc = \"runc\", crun = \"crun\", old = \"" + oldRunc + "\" }\n");
            try (JcriProcess jcri = JcriProcess.start(dir.resolve("daemon"), List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                assertEquals(false, honouredOrRefused(cri, jcri, "old"),
                        "a handler that cannot say it supports rro is refused");
            }
        }
    }
}
