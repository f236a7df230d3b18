package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/** Containers across daemon crashes, the crun handler, and churn: nothing lost, nothing leaked. */
class ContainerRecoveryTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    private JcriProcess start(TestNetwork network) throws Exception {
        Path config = dir.resolve("jcri.toml");
        if (!Files.exists(config)) {
            Files.writeString(config, network.jcriConfig());
        }
        return JcriProcess.start(dir, List.of("--config", config.toString()));
    }

    @Test
    void containersSurviveKillDashNineAndExitsDuringTheOutageAreReported() throws Exception {
        try (TestNetwork network = TestNetwork.create(dir)) {
            String podId;
            String sleeper;
            String quitter;
            Api.PodSandboxConfig pod;
            JcriProcess first = start(network);
            try (CriClient cri = new CriClient(first.socket())) {
                String image = Containers.busybox(cri);
                pod = Containers.pod("survive", true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
                podId = Pods.run(cri, pod);
                sleeper = Containers.run(cri, podId, pod, Containers.config("sleeper", image, "sleep", "600").build());
                quitter = Containers.run(cri, podId, pod, Containers.config("quitter", image,
                        "sh", "-c", "while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 42").build());
                Deadline.await("both running", Duration.ofSeconds(30), () ->
                        Containers.status(cri, quitter).getState() == Api.ContainerState.CONTAINER_RUNNING ? Boolean.TRUE : null);
                Containers.exec(cri, quitter, 10, "sh", "-c", "true"); // exec works before the crash
                first.kill();
                // while jcri is down, the quitter is told to exit (through the runtime, as jcri is gone)
                Files.writeString(Path.of("/proc", Long.toString(pidOf(first, quitter)), "root", "tmp", "go"), "");
            }
            try (JcriProcess second = start(network);
                    CriClient cri = new CriClient(second.socket())) {
                // kubelet's evented PLEG subscribes again after a restart: the exit during the outage reaches it
                java.util.concurrent.LinkedBlockingQueue<Api.ContainerEventResponse> events = new java.util.concurrent.LinkedBlockingQueue<>();
                RuntimeServiceGrpc.newStub(cri.channel()).getContainerEvents(Api.GetEventsRequest.getDefaultInstance(),
                        new io.grpc.stub.StreamObserver<>() {
                            @Override
                            public void onNext(Api.ContainerEventResponse e) {
                                events.add(e);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                Api.ContainerEventResponse stopped = Deadline.await("the STOPPED event of the exit during the outage",
                        Duration.ofSeconds(30), () -> events.stream().filter(e -> e.getContainerId().equals(quitter)
                                && e.getContainerEventType() == Api.ContainerEventType.CONTAINER_STOPPED_EVENT).findFirst().orElse(null));
                assertEquals(42, stopped.getContainersStatusesList().stream().filter(c -> c.getId().equals(quitter))
                        .findFirst().orElseThrow().getExitCode());
                assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, sleeper).getState());
                Api.ContainerStatus exited = Containers.awaitExit(cri, quitter, Duration.ofSeconds(30));
                assertEquals(42, exited.getExitCode(), "the exit that happened while jcri was down");
                assertEquals("hi\n", Containers.exec(cri, sleeper, 10, "echo", "hi").getStdout().toString(StandardCharsets.UTF_8));
                Containers.stop(cri, sleeper, 0);
                Containers.remove(cri, sleeper);
                Containers.remove(cri, quitter);
                Pods.stopAndRemove(cri, podId);
                assertEquals(List.of(), HostState.mountsUnder(second.state()));
            }
        }
    }

    /** The container's init pid, from the runtime state jcri keeps in its bundle. */
    private static long pidOf(JcriProcess jcri, String containerId) throws Exception {
        return Long.parseLong(Files.readString(jcri.state().resolve("containers").resolve(containerId).resolve("pidfile")).strip());
    }

    /**
     * A restart finds running containers through their monitors: it forks no runtime process per
     * container to ask for its state (with hundreds of containers kubelet would wait seconds for
     * the first answer), and the containers are still running and usable afterwards.
     */
    @Test
    void aRestartAsksTheRuntimeNothingAboutContainersTheirMonitorsStillWatch() throws Exception {
        Path calls = dir.resolve("runtime-calls");
        Path wrapper = dir.resolve("runc-that-logs");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$@\" >> " + calls + "\nexec runc \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (TestNetwork network = TestNetwork.create(dir)) {
            Files.writeString(dir.resolve("jcri.toml"), network.jcriConfig()
                    + "[runtime]\nhandlers = { runc = \"" + wrapper + "\", crun = \"crun\" }\n");
            String podId;
            List<String> ids = new java.util.ArrayList<>();
            JcriProcess first = start(network);
            try (CriClient cri = new CriClient(first.socket())) {
                String image = Containers.busybox(cri);
                Api.PodSandboxConfig pod = Containers.pod("watched", true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
                podId = Pods.run(cri, pod);
                for (int i = 0; i < 3; i++) {
                    ids.add(Containers.run(cri, podId, pod, Containers.config("sleeper" + i, image, "sleep", "600").build()));
                }
                first.kill();
            }
            assertTrue(Files.readString(calls).contains(" create "), "the logging wrapper is the runtime jcri runs");
            Files.deleteIfExists(calls);
            try (JcriProcess second = start(network);
                    CriClient cri = new CriClient(second.socket())) {
                for (String id : ids) {
                    assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
                }
                List<String> asked = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
                assertEquals(List.of(), asked.stream().filter(l -> List.of(l.split(" ")).contains("state")).toList(),
                        "runtime processes the restart forked to ask for a state");
                assertEquals("hi\n", Containers.exec(cri, ids.getFirst(), 10, "echo", "hi").getStdout()
                        .toString(StandardCharsets.UTF_8));
                assertTrue(Files.readString(calls).contains(" exec "), "the restarted jcri still runs the wrapper");
                Pods.stopAndRemove(cri, podId);
                assertEquals(List.of(), HostState.mountsUnder(second.state()));
            }
        }
    }

    @Test
    void crunHandlerRunsContainersToo() throws Exception {
        try (TestNetwork network = TestNetwork.create(dir);
                JcriProcess jcri = start(network);
                CriClient cri = new CriClient(jcri.socket())) {
            String image = Containers.busybox(cri);
            Api.PodSandboxConfig pod = Containers.pod("crun", true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
            String podId = cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(pod)
                    .setRuntimeHandler("crun").build()).getPodSandboxId();
            assertEquals("crun", Pods.status(cri, podId).getRuntimeHandler());
            String id = Containers.run(cri, podId, pod, Containers.config("oncrun", image, "sh", "-c", "echo crun-ok").build());
            Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(30));
            assertEquals(0, status.getExitCode());
            assertTrue(Files.readString(Path.of(status.getLogPath())).contains("crun-ok"));
            Pods.stopAndRemove(cri, podId);
        }
    }

    @Test
    void hundredContainersCreatedStartedStoppedAndRemovedLeaveNothingBehind() throws Exception {
        String cgroupBase = "/jcri-container-churn-" + ProcessHandle.current().pid();
        try (TestNetwork network = TestNetwork.create(dir);
                JcriProcess jcri = start(network);
                CriClient cri = new CriClient(jcri.socket())) {
            String image = Containers.busybox(cri);
            Api.PodSandboxConfig.Builder podConfig = Containers.pod("churn", true, Api.NamespaceMode.CONTAINER,
                    dir.resolve("logs")).toBuilder();
            podConfig.getLinuxBuilder().setCgroupParent(cgroupBase + "/pod");
            Api.PodSandboxConfig pod = podConfig.build();
            String podId = Pods.run(cri, pod);
            for (int i = 0; i < 100; i++) {
                String id = Containers.run(cri, podId, pod, Containers.config("churn" + i, image, "sleep", "600").build());
                Containers.stop(cri, id, 0);
                Containers.remove(cri, id);
            }
            assertEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersCount());
            Pods.stopAndRemove(cri, podId);
            assertEquals(List.of(), HostState.mountsUnder(jcri.state()));
            assertEquals(List.of(), HostState.cgroupDirs(cgroupBase + "/pod").stream()
                    .flatMap(d -> { try (var s = Files.list(d)) { return s.filter(Files::isDirectory).toList().stream(); }
                        catch (Exception e) { return java.util.stream.Stream.<Path>empty(); } })
                    .toList(), "no container cgroups left");
            Deadline.await("conmon processes to exit", Duration.ofSeconds(30),
                    () -> HostState.processesOf("conmon", dir).isEmpty() ? Boolean.TRUE : null);
            try (var records = Files.list(jcri.root().resolve("containers"))) {
                assertTrue(records.findAny().isEmpty(), "no container records left");
            }
            try (var bundles = Files.list(jcri.state().resolve("containers"))) {
                assertEquals(0, bundles.count(), "no bundles left");
            }
            awaitEmptyTrash(jcri);
        }
    }

    /**
     * Removed bundles and writable layers are deleted in the background from two trash
     * directories; a kill -9 that leaves entries there (planted here, as a crash in the middle
     * of a deletion would leave them) is cleaned up by the next start, and a removal after the
     * restart goes through the trash too: nothing is left on the host.
     */
    @Test
    void entriesAKillDashNineLeftInTheTrashAreDeletedAtTheNextStart() throws Exception {
        try (TestNetwork network = TestNetwork.create(dir)) {
            JcriProcess first = start(network);
            Path bundleTrash = first.state().resolve("containers-trash");
            Path snapshotTrash = first.root().resolve("snapshots").resolve("trash");
            try (CriClient cri = new CriClient(first.socket())) {
                String image = Containers.busybox(cri);
                Api.PodSandboxConfig pod = Containers.pod("trash", true, Api.NamespaceMode.CONTAINER, dir.resolve("logs"));
                String podId = Pods.run(cri, pod);
                String id = Containers.run(cri, podId, pod, Containers.config("writer", image,
                        "sh", "-c", "mkdir -p /data && for i in $(seq 200); do echo $i > /data/$i; done; sleep 600").build());
                Deadline.await("the container's files", Duration.ofSeconds(30), () ->
                        Containers.exec(cri, id, 10, "test", "-f", "/data/200").getExitCode() == 0 ? Boolean.TRUE : null);
                Containers.stop(cri, id, 0);
                Containers.remove(cri, id);
                Pods.stopAndRemove(cri, podId);
                first.kill();
            } finally {
                first.close();
            }
            Files.createDirectories(bundleTrash.resolve("f".repeat(64) + "-0123456789abcdef").resolve("rootfs"));
            Files.writeString(bundleTrash.resolve("f".repeat(64) + "-0123456789abcdef").resolve("config.json"), "{}");
            Path upper = Files.createDirectories(snapshotTrash.resolve("999-0123456789abcdef").resolve("fs").resolve("data"));
            for (int i = 0; i < 100; i++) {
                Files.writeString(upper.resolve(Integer.toString(i)), "left by a crash");
            }
            try (JcriProcess second = start(network); CriClient cri = new CriClient(second.socket())) {
                cri.runtime().version(Api.VersionRequest.getDefaultInstance());
                awaitEmptyTrash(second);
                assertEquals(List.of(), HostState.mountsUnder(second.state()));
            }
        }
    }

    /** Both trash directories empty, polled (their deletions run in the background). */
    private static void awaitEmptyTrash(JcriProcess jcri) {
        for (Path trash : List.of(jcri.state().resolve("containers-trash"), jcri.root().resolve("snapshots").resolve("trash"))) {
            Deadline.await(trash + " emptied", Duration.ofSeconds(30), () -> {
                try (var entries = Files.list(trash)) {
                    return entries.findAny().isEmpty() ? Boolean.TRUE : null;
                } catch (java.nio.file.NoSuchFileException e) {
                    return Boolean.TRUE;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
