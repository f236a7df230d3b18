package dev.jcri.conformance.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.Api;

/** Pod sandboxes through the CRI: life cycle, idempotence, validation, and nothing left behind. */
@ExtendWith(SharedRuntime.class)
class PodSandboxTest {

    @Test
    void runStatusListStopRemove(CriClient cri) {
        Api.PodSandboxConfig config = Pods.config("lifecycle", false, Api.NamespaceMode.CONTAINER).build();
        String id = Pods.run(cri, config);

        Api.PodSandboxStatus status = Pods.status(cri, id);
        assertEquals(id, status.getId());
        assertEquals(Api.PodSandboxState.SANDBOX_READY, status.getState());
        assertEquals(config.getMetadata(), status.getMetadata());
        assertEquals("lifecycle", status.getLabelsMap().get("jcri.test"));
        assertEquals("value-lifecycle", status.getAnnotationsMap().get("jcri.test/annotation"));
        assertTrue(status.getCreatedAt() > 0);
        assertEquals(Api.NamespaceMode.NODE, status.getLinux().getNamespaces().getOptions().getNetwork());

        List<Api.PodSandbox> listed = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.newBuilder()
                .setFilter(Api.PodSandboxFilter.newBuilder().putLabelSelector("jcri.test", "lifecycle")).build()).getItemsList();
        assertEquals(List.of(id), listed.stream().map(Api.PodSandbox::getId).toList());

        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        assertEquals(Api.PodSandboxState.SANDBOX_NOTREADY, Pods.status(cri, id).getState());
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()); // idempotent

        List<String> notReady = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.newBuilder()
                .setFilter(Api.PodSandboxFilter.newBuilder().setState(Api.PodSandboxStateValue.newBuilder()
                        .setState(Api.PodSandboxState.SANDBOX_NOTREADY))).build())
                .getItemsList().stream().map(Api.PodSandbox::getId).toList();
        assertTrue(notReady.contains(id));

        cri.runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> Pods.status(cri, id));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        cri.runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build()); // idempotent
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()); // unknown: still fine
    }

    @Test
    void retriedRunWithTheSameMetadataReturnsTheSameSandbox(CriClient cri) throws Exception {
        Api.PodSandboxConfig config = Pods.config("retry", false, Api.NamespaceMode.CONTAINER).build();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Callable<String> run = () -> Pods.run(cri, config);
            List<Future<String>> attempts = pool.invokeAll(List.of(run, run, run));
            Set<String> ids = attempts.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError("a retried RunPodSandbox failed", e);
                }
            }).collect(Collectors.toSet());
            assertEquals(1, ids.size(), "concurrent retries must share one sandbox");
            String id = ids.iterator().next();
            assertEquals(id, Pods.run(cri, config), "a later retry returns the same sandbox");
            String nextAttempt = Pods.run(cri, config.toBuilder()
                    .setMetadata(config.getMetadata().toBuilder().setAttempt(1)).build());
            assertNotEquals(id, nextAttempt);
            Pods.stopAndRemove(cri, id);
            Pods.stopAndRemove(cri, nextAttempt);
        }
    }

    @Test
    void podFilesCarryHostnameAndDns(CriClient cri, JcriProcess jcri) throws Exception {
        Api.PodSandboxConfig config = Pods.config("files", false, Api.NamespaceMode.CONTAINER)
                .setDnsConfig(Api.DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("svc.cluster.local")
                        .addSearches("cluster.local").addOptions("ndots:5"))
                .build();
        String id = Pods.run(cri, config);
        Path podDir = jcri.root().resolve("pods").resolve(id);
        assertEquals("search svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
                Files.readString(podDir.resolve("resolv.conf")));
        assertTrue(Files.readString(podDir.resolve("hosts")).length() > 0);
        Pods.stopAndRemove(cri, id);
        assertFalse(Files.exists(podDir));
    }

    @Test
    void podOwnedIpcNamespaceGetsItsShmAndSysctls(CriClient cri, JcriProcess jcri) throws Exception {
        Api.PodSandboxConfig.Builder builder = Pods.config("ipc", false, Api.NamespaceMode.CONTAINER);
        builder.getLinuxBuilder().putSysctls("kernel.shmmax", "123456789").putSysctls("kernel.msgmax", "9000");
        String id = Pods.run(cri, builder.build());
        Path state = jcri.state().resolve("pods").resolve(id);
        List<String> mounts = HostState.mountsUnder(state);
        assertTrue(mounts.contains(state.resolve("shm").toString()), mounts.toString());
        assertTrue(mounts.contains(state.resolve("ns/ipc").toString()), mounts.toString());
        String shmmax = new ProcessBuilder("nsenter", "--ipc=" + state.resolve("ns/ipc"), "cat", "/proc/sys/kernel/shmmax")
                .start().inputReader().readLine();
        assertEquals("123456789", shmmax);
        Pods.stopAndRemove(cri, id);
        assertEquals(List.of(), HostState.mountsUnder(state));
    }

    @Test
    void sharedPidNamespaceRunsOneInfraProcessInThePodCgroup(CriClient cri) throws Exception {
        Api.PodSandboxConfig.Builder builder = Pods.config("pidpod", false, Api.NamespaceMode.POD);
        String cgroup = "/jcri-test/pod" + builder.getMetadata().getUid();
        builder.getLinuxBuilder().setCgroupParent(cgroup);
        String id = Pods.run(cri, builder.build());
        List<Path> dirs = HostState.cgroupDirs(cgroup);
        assertFalse(dirs.isEmpty());
        Path memoryOrUnified = dirs.stream().filter(d -> d.toString().contains("/memory/") || !d.toString().contains("/sys/fs/cgroup/"))
                .findFirst().orElse(dirs.getFirst());
        // the pod's own cgroup names its processes: other tests' pods on the host never count
        List<Long> infra = HostState.processes("catatonit").stream()
                .filter(p -> inCgroup(memoryOrUnified, p)).toList();
        assertEquals(1, infra.size(), "one infra process for the pod, in the pod's cgroup");
        String pidNs = Files.readSymbolicLink(Path.of("/proc", infra.getFirst().toString(), "ns", "pid")).toString();
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(), pidNs);

        Pods.stopAndRemove(cri, id);
        assertFalse(ProcessHandle.of(infra.getFirst()).map(ProcessHandle::isAlive).orElse(false), "infra process gone");
        assertEquals(List.of(), HostState.cgroupDirs(cgroup), "pod cgroup removed");
    }

    @Test
    void podResourcesPlusOverheadLimitTheCgroupJcriCreates(CriClient cri) throws Exception {
        Api.PodSandboxConfig.Builder builder = Pods.config("limits", false, Api.NamespaceMode.CONTAINER);
        String cgroup = "/jcri-test/pod" + builder.getMetadata().getUid();
        builder.getLinuxBuilder().setCgroupParent(cgroup)
                .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20))
                .setOverhead(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16L << 20));
        String id = Pods.run(cri, builder.build());
        Path v2 = Path.of("/sys/fs/cgroup", cgroup, "memory.max");
        Path v1 = Path.of("/sys/fs/cgroup/memory", cgroup, "memory.limit_in_bytes");
        String limit = Files.readString(Files.exists(v2) ? v2 : v1).strip();
        assertEquals(Long.toString(80L << 20), limit);
        Pods.stopAndRemove(cri, id);
        assertEquals(List.of(), HostState.cgroupDirs(cgroup));
    }

    @Test
    void aCgroupParentSharedWithOtherPodsDoesNotBlockRemoval(CriClient cri) throws Exception {
        String shared = "/jcri-shared-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Api.PodSandboxConfig.Builder first = Pods.config("sharedcg1", false, Api.NamespaceMode.CONTAINER);
        first.getLinuxBuilder().setCgroupParent(shared + "/pod1");
        Api.PodSandboxConfig.Builder second = Pods.config("sharedcg2", false, Api.NamespaceMode.CONTAINER);
        second.getLinuxBuilder().setCgroupParent(shared + "/pod2");
        String a = Pods.run(cri, first.build());
        String b = Pods.run(cri, second.build());
        Pods.stopAndRemove(cri, a); // the first pod created the shared level; pod2 still lives under it
        assertEquals(List.of(), HostState.cgroupDirs(shared + "/pod1"));
        assertFalse(HostState.cgroupDirs(shared + "/pod2").isEmpty());
        Pods.stopAndRemove(cri, b);
        assertEquals(List.of(), HostState.cgroupDirs(shared), "jcri made the shared level: it goes with its last pod");
    }

    @Test
    void badRequestsAreRejectedWithClearErrorsAndChangeNothing(CriClient cri) {
        int podsBefore = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount();

        Api.PodSandboxConfig.Builder unsafe = Pods.config("sysctl", false, Api.NamespaceMode.CONTAINER);
        unsafe.getLinuxBuilder().putSysctls("kernel.panic", "1");
        assertInvalid(cri, unsafe.build(), null, "kernel.panic");

        Api.PodSandboxConfig.Builder hostNetSysctl = Pods.config("netsysctl", false, Api.NamespaceMode.CONTAINER);
        hostNetSysctl.getLinuxBuilder().putSysctls("net.ipv4.ip_forward", "1");
        assertInvalid(cri, hostNetSysctl.build(), null, "host network");

        assertInvalid(cri, Pods.config("handler", false, Api.NamespaceMode.CONTAINER).build(), "no-such-runtime", "no-such-runtime");

        Api.PodSandboxConfig noName = Pods.config("noname", false, Api.NamespaceMode.CONTAINER)
                .setMetadata(Api.PodSandboxMetadata.newBuilder().setNamespace("x").setUid("y")).build();
        assertInvalid(cri, noName, null, "metadata");

        Api.PodSandboxConfig.Builder badCgroup = Pods.config("cgroup", false, Api.NamespaceMode.CONTAINER);
        badCgroup.getLinuxBuilder().setCgroupParent("relative/path");
        assertInvalid(cri, badCgroup.build(), null, "cgroup_parent");

        StatusRuntimeException noId = assertThrows(StatusRuntimeException.class, () -> Pods.status(cri, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, noId.getStatus().getCode());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> Pods.status(cri, "0123456789abcdef"));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

        assertEquals(podsBefore, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
    }

    private static void assertInvalid(CriClient cri, Api.PodSandboxConfig config, String handler, String mentioned) {
        Api.RunPodSandboxRequest.Builder request = Api.RunPodSandboxRequest.newBuilder().setConfig(config);
        if (handler != null) {
            request.setRuntimeHandler(handler);
        }
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.runtime().runPodSandbox(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(mentioned), e.getStatus().getDescription());
    }

    private static boolean inCgroup(Path cgroupDir, long pid) {
        try {
            return Files.readAllLines(cgroupDir.resolve("cgroup.procs")).contains(Long.toString(pid));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
