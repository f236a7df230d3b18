package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * In-place resize (KEP-1287, GA in 1.35): kubelet calls UpdateContainerResources and then waits
 * until ContainerStatus.resources shows the new values (it used to echo the create-time ones,
 * so a resize never finished), and UpdatePodSandboxResources for the pod's cgroup.
 */
@ExtendWith(SharedRuntime.class)
class ResizeTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path logs;

    @Test
    void aContainerResizeIsInTheCgroupAndInItsStatus(CriClient cri) throws Exception {
        String image = Containers.busybox(cri);
        Api.PodSandboxConfig pod = Containers.pod("resize", true, Api.NamespaceMode.CONTAINER, logs);
        String podId = Pods.run(cri, pod);
        try {
            Api.ContainerConfig.Builder config = Containers.config("resized", image, "sleep", "600");
            config.getLinuxBuilder().getResourcesBuilder().setMemoryLimitInBytes(64 * MIB).setCpuShares(256);
            String id = Containers.run(cri, podId, pod, config.build());
            assertEquals(64 * MIB, Containers.status(cri, id).getResources().getLinux().getMemoryLimitInBytes());

            cri.runtime().updateContainerResources(Api.UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                    .setLinux(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96 * MIB)).build());
            String limit = Containers.exec(cri, id, 10, "sh", "-c",
                    "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max")
                    .getStdout().toString(StandardCharsets.UTF_8).strip();
            assertEquals(Long.toString(96 * MIB), limit, "the cgroup has the new limit");
            Api.LinuxContainerResources reported = Containers.status(cri, id).getResources().getLinux();
            assertEquals(96 * MIB, reported.getMemoryLimitInBytes(), "the status shows the resize: kubelet sees it finish");
            assertEquals(256, reported.getCpuShares(), "what the update did not name stays as it was");

            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> cri.runtime().updateContainerResources(
                    Api.UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                            .setLinux(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(4096)).build()));
            assertEquals(Status.Code.OUT_OF_RANGE, bad.getStatus().getCode(), "a value out of its range: the project's kind for it");
            assertTrue(bad.getStatus().getDescription().contains("memory_limit_in_bytes"), bad.toString());
            assertEquals(96 * MIB, Containers.status(cri, id).getResources().getLinux().getMemoryLimitInBytes(),
                    "a refused update changes nothing");
            Containers.stop(cri, id, 0);
            assertEquals(96 * MIB, Containers.status(cri, id).getResources().getLinux().getMemoryLimitInBytes(),
                    "the exit keeps the resize in the record");
        } finally {
            Pods.stopAndRemove(cri, podId);
        }
    }

    @Test
    void aPodResizeChangesThePodCgroupJcriMade(CriClient cri) throws Exception {
        String parent = "/jcri-resize-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Api.PodSandboxConfig.Builder config = Pods.config("podresize", false, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString());
        config.getLinuxBuilder().setCgroupParent(parent).getResourcesBuilder().setMemoryLimitInBytes(128 * MIB);
        String podId = Pods.run(cri, config.build());
        try {
            Path memory = memoryLimitFile(parent);
            assertEquals(128 * MIB, Long.parseLong(Files.readString(memory).strip()));

            cri.runtime().updatePodSandboxResources(Api.UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                    .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(256 * MIB))
                    .setOverhead(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16 * MIB)).build());
            assertEquals(272 * MIB, Long.parseLong(Files.readString(memory).strip()), "resources plus overhead");

            StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> cri.runtime().updatePodSandboxResources(
                    Api.UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                            .setResources(Api.LinuxContainerResources.newBuilder().setCpuShares(1)).build()));
            assertEquals(Status.Code.OUT_OF_RANGE, bad.getStatus().getCode(), "a value out of its range: the project's kind for it");
            assertTrue(bad.getStatus().getDescription().contains("resources.cpu_shares"), bad.toString());
            assertEquals(272 * MIB, Long.parseLong(Files.readString(memory).strip()), "a refused update changes nothing");

            StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> cri.runtime()
                    .updatePodSandboxResources(Api.UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId("feedface0000")
                            .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(256 * MIB)).build()));
            assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        } finally {
            Pods.stopAndRemove(cri, podId);
        }
    }

    private static Path memoryLimitFile(String parent) {
        Path v1 = Path.of("/sys/fs/cgroup/memory").resolve(parent.substring(1)).resolve("memory.limit_in_bytes");
        Path v2 = Path.of("/sys/fs/cgroup").resolve(parent.substring(1)).resolve("memory.max");
        return Deadline.await("the pod cgroup", Duration.ofSeconds(5), () -> Files.exists(v1) ? v1 : Files.exists(v2) ? v2 : null);
    }
}
