package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** Containers through the CRI: run, logs, exit codes and reasons, stop paths, exec, log reopening, resources. */
class ContainerLifecycleTest extends InOnePodTest {

    @Test
    void echoAndExitIsLoggedInCriFormatWithItsExitCode() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("echo", image,
                "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3").build());
        Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(30));
        assertEquals(3, status.getExitCode());
        assertEquals("Error", status.getReason());
        assertTrue(status.getStartedAt() > 0 && status.getFinishedAt() >= status.getStartedAt());
        assertEquals(logs.resolve("echo.log").toString(), status.getLogPath());
        List<String> lines = Files.readAllLines(logs.resolve("echo.log"));
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ stdout F to-stdout")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ stderr F to-stderr")), lines.toString());

        String ok = Containers.run(cri, podId, pod, Containers.config("true", image, "true").build());
        Api.ContainerStatus done = Containers.awaitExit(cri, ok, Duration.ofSeconds(30));
        assertEquals(0, done.getExitCode());
        assertEquals("Completed", done.getReason());
    }

    @Test
    void statusAndListDescribeTheContainer() throws Exception {
        String id = Containers.create(cri, podId, pod, Containers.config("described", image, "sleep", "600")
                .putAnnotations("a", "b").build());
        Api.ContainerStatus created = Containers.status(cri, id);
        assertEquals(Api.ContainerState.CONTAINER_CREATED, created.getState());
        assertEquals("described", created.getMetadata().getName());
        assertEquals(image, created.getImage().getImage());
        assertTrue(created.getImageRef().contains("@sha256:") || created.getImageRef().startsWith("sha256:"), created.getImageRef());
        assertEquals("b", created.getAnnotationsMap().get("a"));

        cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(id).build());
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
        List<Api.Container> listed = cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(podId)
                        .putLabelSelector("jcri.test", "described")
                        .setState(Api.ContainerStateValue.newBuilder().setState(Api.ContainerState.CONTAINER_RUNNING)))
                .build()).getContainersList();
        assertEquals(List.of(id), listed.stream().map(Api.Container::getId).toList());

        String verbose = cri.runtime().containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId(id)
                .setVerbose(true).build()).getInfoMap().get("info");
        assertTrue(verbose.contains("\"pid\"") && verbose.contains("\"runtimeSpec\""), verbose);
        Containers.stop(cri, id, 0);
        Containers.remove(cri, id);
        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> Containers.status(cri, id));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        Containers.remove(cri, id); // idempotent
    }

    @Test
    void stopSendsTheStopSignalThenKillsAfterTheTimeout() throws Exception {
        String polite = Containers.run(cri, podId, pod, Containers.config("polite", image,
                "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done").build());
        awaitRunning(polite);
        Containers.stop(cri, polite, 30);
        Api.ContainerStatus politeStatus = Containers.status(cri, polite);
        assertEquals(Api.ContainerState.CONTAINER_EXITED, politeStatus.getState());
        assertEquals(0, politeStatus.getExitCode(), "it handled SIGTERM");

        String stubborn = Containers.run(cri, podId, pod, Containers.config("stubborn", image,
                "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done").build());
        awaitRunning(stubborn);
        long start = System.nanoTime();
        Containers.stop(cri, stubborn, 2);
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(2).toNanos(), "waited the grace period");
        assertEquals(137, Containers.status(cri, stubborn).getExitCode(), "SIGKILL after the grace period");
        Containers.stop(cri, stubborn, 2); // idempotent on a stopped container
    }

    @Test
    void memoryLimitOomKillIsReportedAsOomKilled() throws Exception {
        Api.ContainerConfig.Builder config = Containers.config("oom", image, "sh", "-c", "tail /dev/zero");
        config.getLinuxBuilder().getResourcesBuilder().setMemoryLimitInBytes(32L << 20);
        String id = Containers.run(cri, podId, pod, config.build());
        Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(60));
        assertEquals("OOMKilled", status.getReason());
        assertEquals(137, status.getExitCode());
    }

    @Test
    void execSyncReturnsOutputAndExitCodeAndHonoursItsTimeout() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("execd", image, "tail", "-f", "/dev/null").build());
        awaitRunning(id);
        Api.ExecSyncResponse r = Containers.exec(cri, id, 10, "sh", "-c", "echo out; echo err >&2; exit 7");
        assertEquals("out\n", r.getStdout().toString(StandardCharsets.UTF_8));
        assertEquals("err\n", r.getStderr().toString(StandardCharsets.UTF_8));
        assertEquals(7, r.getExitCode());

        StatusRuntimeException timeout = assertThrows(StatusRuntimeException.class,
                () -> Containers.exec(cri, id, 1, "sleep", "30"));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, timeout.getStatus().getCode());
        // pgrep also sees zombies: the killed command must be gone, not left unreaped under the container's init
        String sleepers = Containers.exec(cri, id, 10, "sh", "-c", "pgrep sleep || true").getStdout().toString(StandardCharsets.UTF_8);
        assertEquals("", sleepers.strip(), "the timed-out command was killed and reaped");
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState(), "the container is untouched");
    }

    @Test
    void reopenContainerLogWritesToAFreshFileAfterRotation() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("rotated", image,
                "sh", "-c", "while true; do echo tick; sleep 0.2; done").build());
        Path log = logs.resolve("rotated.log");
        Deadline.await("first log lines", Duration.ofSeconds(20), () -> (Files.exists(log) && size(log) > 0) ? Boolean.TRUE : null);
        Path rotated = logs.resolve("rotated.log.1");
        Files.move(log, rotated);
        cri.runtime().reopenContainerLog(Api.ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
        Deadline.await("lines in the reopened log", Duration.ofSeconds(20),
                () -> (Files.exists(log) && size(log) > 0) ? Boolean.TRUE : null);
        assertTrue(Files.readString(log).contains("stdout F tick"));
        Containers.stop(cri, id, 0);
    }

    @Test
    void updateContainerResourcesChangesTheCgroup() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("resized", image, "sleep", "600").build());
        awaitRunning(id);
        cri.runtime().updateContainerResources(Api.UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                .setLinux(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96L << 20)
                        .setCpuShares(512)).build());
        String limit = Containers.exec(cri, id, 10, "sh", "-c",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max")
                .getStdout().toString(StandardCharsets.UTF_8).strip();
        assertEquals(Long.toString(96L << 20), limit);
        Containers.stop(cri, id, 0);
    }

    @Test
    void statsReportCpuMemoryAndTheWritableLayer() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("measured", image,
                "sh", "-c", "dd if=/dev/zero of=/filler bs=1024 count=2048 2>/dev/null; tail -f /dev/null").build());
        awaitRunning(id);
        Api.ContainerStats stats = Deadline.await("the 2 MiB file in the writable layer", Duration.ofSeconds(20), () -> {
            Api.ContainerStats s = cri.runtime().containerStats(Api.ContainerStatsRequest.newBuilder().setContainerId(id).build())
                    .getStats();
            return s.getWritableLayer().getUsedBytes().getValue() >= 2L << 20 ? s : null;
        });
        assertEquals(id, stats.getAttributes().getId());
        assertEquals("measured", stats.getAttributes().getMetadata().getName());
        assertTrue(stats.getCpu().getTimestamp() > 0 && stats.getCpu().hasUsageCoreNanoSeconds());
        assertTrue(stats.getMemory().getWorkingSetBytes().getValue() > 0, stats.getMemory().toString());
        assertTrue(stats.getWritableLayer().getInodesUsed().getValue() >= 1);

        List<String> listed = cri.runtime().listContainerStats(Api.ListContainerStatsRequest.newBuilder()
                .setFilter(Api.ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build())
                .getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
        assertEquals(List.of(id), listed);
        Containers.stop(cri, id, 0);
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        StatusRuntimeException noImage = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod,
                Containers.config("noimage", "127.0.0.1:1/never/pulled:1", "true").build()));
        assertEquals(Status.Code.NOT_FOUND, noImage.getStatus().getCode());
        assertTrue(noImage.getStatus().getDescription().contains("never/pulled"));

        StatusRuntimeException noPod = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, "feedface", pod,
                Containers.config("nopod", image, "true").build()));
        assertEquals(Status.Code.NOT_FOUND, noPod.getStatus().getCode());

        String id = Containers.create(cri, podId, pod, Containers.config("twice", image, "true").build());
        StatusRuntimeException taken = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod,
                Containers.config("twice", image, "true").build()));
        assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());

        StatusRuntimeException badUser = assertThrows(StatusRuntimeException.class, () -> {
            Api.ContainerConfig.Builder c = Containers.config("baduser", image, "true");
            c.getLinuxBuilder().getSecurityContextBuilder().setRunAsUsername("nosuchuser");
            Containers.create(cri, podId, pod, c.build());
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, badUser.getStatus().getCode());
        assertTrue(badUser.getStatus().getDescription().contains("nosuchuser"), badUser.getStatus().getDescription());

        StatusRuntimeException startTwice = assertThrows(StatusRuntimeException.class, () -> {
            cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(id).build());
            cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(id).build());
        });
        assertEquals(Status.Code.FAILED_PRECONDITION, startTwice.getStatus().getCode());
        assertNotEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersCount());
    }

    private void awaitRunning(String id) {
        Deadline.await("container " + id + " running", Duration.ofSeconds(30),
                () -> Containers.status(cri, id).getState() == Api.ContainerState.CONTAINER_RUNNING ? Boolean.TRUE : null);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void streamedListsAreTheListsInPages() throws Exception {
        String id = Containers.create(cri, podId, pod, Containers.config("streamed", image, "sleep", "600").build());
        Api.ContainerFilter containers = Api.ContainerFilter.newBuilder().setPodSandboxId(podId).build();
        List<Api.Container> streamedContainers = new java.util.ArrayList<>();
        cri.runtime().streamContainers(Api.StreamContainersRequest.newBuilder().setFilter(containers).build())
                .forEachRemaining(page -> streamedContainers.addAll(page.getContainersList()));
        assertEquals(cri.runtime().listContainers(Api.ListContainersRequest.newBuilder().setFilter(containers).build())
                .getContainersList(), streamedContainers);
        assertTrue(streamedContainers.stream().anyMatch(c -> c.getId().equals(id)));

        Api.PodSandboxFilter pods = Api.PodSandboxFilter.newBuilder().setId(podId).build();
        List<Api.PodSandbox> streamedPods = new java.util.ArrayList<>();
        cri.runtime().streamPodSandboxes(Api.StreamPodSandboxesRequest.newBuilder().setFilter(pods).build())
                .forEachRemaining(page -> streamedPods.addAll(page.getPodSandboxesList()));
        assertEquals(cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.newBuilder().setFilter(pods).build())
                .getItemsList(), streamedPods);
        assertEquals(1, streamedPods.size());

        List<Api.Image> streamedImages = new java.util.ArrayList<>();
        cri.images().streamImages(Api.StreamImagesRequest.getDefaultInstance())
                .forEachRemaining(page -> streamedImages.addAll(page.getImagesList()));
        assertEquals(cri.images().listImages(Api.ListImagesRequest.getDefaultInstance()).getImagesList(), streamedImages);
        Containers.remove(cri, id);
    }
}
