package dev.jcri.conformance.fuzz;

import static dev.jcri.conformance.fuzz.Calls.MIB;
import static dev.jcri.conformance.fuzz.Calls.UNKNOWN_ID;
import static dev.jcri.conformance.fuzz.Calls.concurrently;
import static dev.jcri.conformance.fuzz.Calls.createContainer;
import static dev.jcri.conformance.fuzz.Calls.createContainerRequest;
import static dev.jcri.conformance.fuzz.Calls.createIn;
import static dev.jcri.conformance.fuzz.Calls.createWith;
import static dev.jcri.conformance.fuzz.Calls.exec;
import static dev.jcri.conformance.fuzz.Calls.mount;
import static dev.jcri.conformance.fuzz.Calls.podStatus;
import static dev.jcri.conformance.fuzz.Calls.port;
import static dev.jcri.conformance.fuzz.Calls.pull;
import static dev.jcri.conformance.fuzz.Calls.race;
import static dev.jcri.conformance.fuzz.Calls.remove;
import static dev.jcri.conformance.fuzz.Calls.removePod;
import static dev.jcri.conformance.fuzz.Calls.reopen;
import static dev.jcri.conformance.fuzz.Calls.rpc;
import static dev.jcri.conformance.fuzz.Calls.runNetPod;
import static dev.jcri.conformance.fuzz.Calls.runPod;
import static dev.jcri.conformance.fuzz.Calls.runPodRequest;
import static dev.jcri.conformance.fuzz.Calls.start;
import static dev.jcri.conformance.fuzz.Calls.stats;
import static dev.jcri.conformance.fuzz.Calls.status;
import static dev.jcri.conformance.fuzz.Calls.stop;
import static dev.jcri.conformance.fuzz.Calls.stopPod;
import static dev.jcri.conformance.fuzz.Calls.update;
import static dev.jcri.conformance.fuzz.FuzzCase.Expect.TARGET;
import static dev.jcri.conformance.fuzz.FuzzCase.alreadyExists;
import static dev.jcri.conformance.fuzz.FuzzCase.c;
import static dev.jcri.conformance.fuzz.FuzzCase.invalid;
import static dev.jcri.conformance.fuzz.FuzzCase.notFound;
import static dev.jcri.conformance.fuzz.FuzzCase.ok;
import static dev.jcri.conformance.fuzz.FuzzCase.okOr;
import static dev.jcri.conformance.fuzz.FuzzCase.outOfRange;
import static dev.jcri.conformance.fuzz.FuzzCase.precondition;
import static runtime.v1.ImageServiceGrpc.getImageStatusMethod;
import static runtime.v1.ImageServiceGrpc.getListImagesMethod;
import static runtime.v1.ImageServiceGrpc.getPullImageMethod;
import static runtime.v1.ImageServiceGrpc.getRemoveImageMethod;
import static runtime.v1.RuntimeServiceGrpc.getContainerStatsMethod;
import static runtime.v1.RuntimeServiceGrpc.getContainerStatusMethod;
import static runtime.v1.RuntimeServiceGrpc.getCreateContainerMethod;
import static runtime.v1.RuntimeServiceGrpc.getExecSyncMethod;
import static runtime.v1.RuntimeServiceGrpc.getListContainersMethod;
import static runtime.v1.RuntimeServiceGrpc.getListPodSandboxMethod;
import static runtime.v1.RuntimeServiceGrpc.getPodSandboxStatusMethod;
import static runtime.v1.RuntimeServiceGrpc.getRemoveContainerMethod;
import static runtime.v1.RuntimeServiceGrpc.getRemovePodSandboxMethod;
import static runtime.v1.RuntimeServiceGrpc.getReopenContainerLogMethod;
import static runtime.v1.RuntimeServiceGrpc.getStartContainerMethod;
import static runtime.v1.RuntimeServiceGrpc.getStopContainerMethod;
import static runtime.v1.RuntimeServiceGrpc.getStopPodSandboxMethod;
import static runtime.v1.RuntimeServiceGrpc.getUpdateContainerResourcesMethod;
import static runtime.v1.RuntimeServiceGrpc.getUpdateRuntimeConfigMethod;

import com.google.protobuf.ByteString;
import dev.jcri.conformance.fuzz.Fixture.State;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * The fuzz table: malformed and boundary requests for every RPC jcri implements, each with the
 * answer the CRI contract asks for. One line per case; a case today's runtime gets wrong carries
 * {@code knownBroken("issue N: why")} until the fix lands (then the run fails until the mark is
 * removed, so the table stays true).
 *
 * <p>Field names are the CRI's (api.proto): a message must contain them, or the object's ID for
 * NOT_FOUND and FAILED_PRECONDITION answers. Limits for names, labels and annotations are
 * Kubernetes' own (names 253 characters, label values 63, all annotations 256 KiB): kubelet
 * never sends more, so more is not a request to honour.
 */
final class FuzzCases {

    private FuzzCases() {}

    static List<FuzzCase> all() {
        List<FuzzCase> all = new ArrayList<>();
        all.addAll(emptyRequests());
        all.addAll(unknownIds());
        all.addAll(ambiguousPrefixes());
        all.addAll(wrongStates());
        all.addAll(numbers());
        all.addAll(sysctls());
        all.addAll(cpusets());
        all.addAll(ports());
        all.addAll(hugeAndOddStrings());
        all.addAll(duplicatesAndRaces());
        all.addAll(logPaths());
        all.addAll(images());
        all.addAll(handlersMountsNamespaces());
        all.addAll(containerConfig());
        return all;
    }

    /** Every implemented method with its empty request: required fields are named, lists and infos answer. */
    static List<FuzzCase> emptyRequests() {
        Map<String, FuzzCase.Expect> expected = Map.ofEntries(
                Map.entry("Version", ok()), Map.entry("RunPodSandbox", invalid("config")),
                Map.entry("StopPodSandbox", invalid("pod_sandbox_id")), Map.entry("RemovePodSandbox", invalid("pod_sandbox_id")),
                Map.entry("PodSandboxStatus", invalid("pod_sandbox_id")), Map.entry("ListPodSandbox", ok()),
                Map.entry("CreateContainer", invalid("pod_sandbox_id")), Map.entry("StartContainer", invalid("container_id")),
                Map.entry("StopContainer", invalid("container_id")), Map.entry("RemoveContainer", invalid("container_id")),
                Map.entry("ListContainers", ok()), Map.entry("ContainerStatus", invalid("container_id")),
                Map.entry("UpdateContainerResources", invalid("container_id")),
                Map.entry("ReopenContainerLog", invalid("container_id")), Map.entry("ExecSync", invalid("container_id")),
                Map.entry("ContainerStats", invalid("container_id")), Map.entry("ListContainerStats", ok()),
                Map.entry("PodSandboxStats", invalid("pod_sandbox_id")), Map.entry("ListPodSandboxStats", ok()),
                Map.entry("ListMetricDescriptors", ok()), Map.entry("ListPodSandboxMetrics", ok()),
                Map.entry("UpdateRuntimeConfig", ok()), Map.entry("Status", ok()), Map.entry("RuntimeConfig", ok()),
                Map.entry("ListImages", ok()), Map.entry("ImageStatus", invalid("image")),
                Map.entry("PullImage", invalid("image")), Map.entry("RemoveImage", invalid("image")),
                Map.entry("ImageFsInfo", ok()));
        List<FuzzCase> cases = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : Calls.IMPLEMENTED) {
            String name = method.getBareMethodName();
            cases.add(c(name + ": empty request", Calls.empty(method), expected.get(name)));
        }
        return cases;
    }

    static List<FuzzCase> unknownIds() {
        return List.of(
                c("StopPodSandbox: unknown id", rpc(getStopPodSandboxMethod(), f -> stopPod(UNKNOWN_ID)), ok()),
                c("RemovePodSandbox: unknown id", rpc(getRemovePodSandboxMethod(), f -> removePod(UNKNOWN_ID)), ok()),
                c("RemovePodSandbox: id '../..'", rpc(getRemovePodSandboxMethod(), f -> removePod("../..")), ok()),
                c("PodSandboxStatus: unknown id", rpc(getPodSandboxStatusMethod(), f -> podStatus(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("PodSandboxStatus: id of 1 MiB", rpc(getPodSandboxStatusMethod(), f -> podStatus(MIB)), notFound("xxxxxxxxxxxxx")),
                c("CreateContainer: unknown pod", createContainerRequest(r -> r.setPodSandboxId(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("StartContainer: unknown id", rpc(getStartContainerMethod(), f -> start(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("StopContainer: unknown id", rpc(getStopContainerMethod(), f -> stop(UNKNOWN_ID, 0)), ok()),
                c("RemoveContainer: unknown id", rpc(getRemoveContainerMethod(), f -> remove(UNKNOWN_ID)), ok()),
                c("ContainerStatus: unknown id", rpc(getContainerStatusMethod(), f -> status(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("UpdateContainerResources: unknown id", rpc(getUpdateContainerResourcesMethod(),
                        f -> update(UNKNOWN_ID, r -> r.setCpuShares(512))), notFound(UNKNOWN_ID)),
                c("ReopenContainerLog: unknown id", rpc(getReopenContainerLogMethod(), f -> reopen(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("ExecSync: unknown id", rpc(getExecSyncMethod(), f -> exec(UNKNOWN_ID, 5, "true")), notFound(UNKNOWN_ID)),
                c("ContainerStats: unknown id", rpc(getContainerStatsMethod(), f -> stats(UNKNOWN_ID)), notFound(UNKNOWN_ID)),
                c("PodSandboxStats: unknown id", rpc(runtime.v1.RuntimeServiceGrpc.getPodSandboxStatsMethod(),
                        f -> Api.PodSandboxStatsRequest.newBuilder().setPodSandboxId(UNKNOWN_ID).build()), notFound(UNKNOWN_ID)),
                c("ImageStatus: unknown image id", rpc(getImageStatusMethod(),
                        f -> Api.ImageStatusRequest.newBuilder().setImage(Calls.image("sha256:" + "0".repeat(64))).build()), ok()),
                c("RemoveImage: unknown image", rpc(getRemoveImageMethod(),
                        f -> Api.RemoveImageRequest.newBuilder().setImage(Calls.image("never/pulled:1")).build()), ok()),
                c("ListPodSandbox: unknown id filter", rpc(getListPodSandboxMethod(), f -> Api.ListPodSandboxRequest.newBuilder()
                        .setFilter(Api.PodSandboxFilter.newBuilder().setId(UNKNOWN_ID)).build()), ok()),
                c("ListContainers: unknown pod filter", rpc(getListContainersMethod(), f -> Api.ListContainersRequest.newBuilder()
                        .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(UNKNOWN_ID)).build()), ok()));
    }

    /** Two objects whose IDs share a prefix: the prefix names neither, and nothing may happen to either. */
    static List<FuzzCase> ambiguousPrefixes() {
        return List.of(
                c("PodSandboxStatus: unique 13-character prefix", rpc(getPodSandboxStatusMethod(),
                        f -> podStatus(f.pod().substring(0, 13))), ok()),
                c("PodSandboxStatus: ambiguous prefix", rpc(getPodSandboxStatusMethod(), f -> podStatus(f.podsSharingAPrefix())), invalid(TARGET)),
                c("StopPodSandbox: ambiguous prefix", rpc(getStopPodSandboxMethod(), f -> stopPod(f.podsSharingAPrefix())), invalid(TARGET)),
                c("RemovePodSandbox: ambiguous prefix", rpc(getRemovePodSandboxMethod(), f -> removePod(f.podsSharingAPrefix())), invalid(TARGET)),
                c("CreateContainer: ambiguous pod prefix", createIn(Fixture::podsSharingAPrefix), invalid(TARGET)),
                c("ContainerStatus: ambiguous prefix", rpc(getContainerStatusMethod(), f -> status(f.containersSharingAPrefix())), invalid(TARGET)),
                c("StartContainer: ambiguous prefix", rpc(getStartContainerMethod(), f -> start(f.containersSharingAPrefix())), invalid(TARGET)),
                c("StopContainer: ambiguous prefix", rpc(getStopContainerMethod(), f -> stop(f.containersSharingAPrefix(), 0)), invalid(TARGET)),
                c("RemoveContainer: ambiguous prefix", rpc(getRemoveContainerMethod(), f -> remove(f.containersSharingAPrefix())), invalid(TARGET)));
    }

    static List<FuzzCase> wrongStates() {
        return List.of(
                c("StartContainer: running", rpc(getStartContainerMethod(), f -> start(f.container(State.RUNNING))), precondition(TARGET)),
                c("StartContainer: exited", rpc(getStartContainerMethod(), f -> start(f.container(State.EXITED))), precondition(TARGET)),
                c("StartContainer: its pod was stopped", rpc(getStartContainerMethod(), f -> {
                    String pod = f.pod();
                    String id = f.container(pod, f.containerConfig().build(), State.CREATED);
                    f.env.cri().runtime().stopPodSandbox(stopPod(pod));
                    return start(id);
                }), precondition(TARGET)),
                c("CreateContainer: pod stopped", createIn(Fixture::stoppedPod), precondition(TARGET)),
                c("ExecSync: created, not started", rpc(getExecSyncMethod(), f -> exec(f.container(State.CREATED), 5, "true")), precondition(TARGET)),
                c("ExecSync: exited", rpc(getExecSyncMethod(), f -> exec(f.container(State.EXITED), 5, "true")), precondition(TARGET)),
                c("ExecSync: empty cmd", rpc(getExecSyncMethod(), f -> exec(f.container(State.RUNNING), 5)), invalid("cmd")),
                c("ReopenContainerLog: created, not started", rpc(getReopenContainerLogMethod(), f -> reopen(f.container(State.CREATED))), precondition(TARGET)),
                c("ReopenContainerLog: exited", rpc(getReopenContainerLogMethod(), f -> reopen(f.container(State.EXITED))), precondition(TARGET)),
                c("UpdateContainerResources: exited", rpc(getUpdateContainerResourcesMethod(),
                        f -> update(f.container(State.EXITED), r -> r.setCpuShares(512))), precondition(TARGET)),
                c("ContainerStats: exited", rpc(getContainerStatsMethod(), f -> stats(f.container(State.EXITED))),
                        okOr(Status.Code.FAILED_PRECONDITION, TARGET)),
                c("StopContainer: exited", rpc(getStopContainerMethod(), f -> stop(f.container(State.EXITED), 10)), ok()),
                c("StopPodSandbox: stopped", rpc(getStopPodSandboxMethod(), f -> stopPod(f.stoppedPod())), ok()),
                c("PodSandboxStatus: stopped", rpc(getPodSandboxStatusMethod(), f -> podStatus(f.stoppedPod())), ok()),
                c("RemoveContainer: running", rpc(getRemoveContainerMethod(), f -> remove(f.container(State.RUNNING))), ok()),
                c("RemovePodSandbox: ready, with a running container", rpc(getRemovePodSandboxMethod(), f -> {
                    String pod = f.pod();
                    f.container(pod, f.containerConfig().build(), State.RUNNING);
                    return removePod(pod);
                }), ok()));
    }

    static List<FuzzCase> numbers() {
        return List.of(
                c("StopContainer: timeout -1", rpc(getStopContainerMethod(), f -> stop(f.container(State.RUNNING), -1)), ok()),
                c("StopContainer: timeout Long.MAX_VALUE", rpc(getStopContainerMethod(),
                        f -> stop(f.container(State.RUNNING), Long.MAX_VALUE)), ok()),
                c("ExecSync: timeout -1", rpc(getExecSyncMethod(), f -> exec(f.container(State.RUNNING), -1, "true")), ok()),
                c("ExecSync: timeout Long.MAX_VALUE", rpc(getExecSyncMethod(), f -> exec(f.container(State.RUNNING), Long.MAX_VALUE, "true")), ok()),
                c("ExecSync: timeout Long.MIN_VALUE", rpc(getExecSyncMethod(), f -> exec(f.container(State.RUNNING), Long.MIN_VALUE, "true")), ok()),
                c("CreateContainer: cpu_shares -1", resources(r -> r.setCpuShares(-1)), outOfRange("cpu_shares")),
                c("CreateContainer: cpu_shares 1", resources(r -> r.setCpuShares(1)), outOfRange("cpu_shares")),
                c("CreateContainer: cpu_shares 2^40", resources(r -> r.setCpuShares(1L << 40)), outOfRange("cpu_shares")),
                c("CreateContainer: cpu_quota -5", resources(r -> r.setCpuQuota(-5)), outOfRange("cpu_quota")),
                c("CreateContainer: cpu_quota 1 (kernel minimum 1000)", resources(r -> r.setCpuQuota(1)), outOfRange("cpu_quota")),
                c("CreateContainer: cpu_period -1", resources(r -> r.setCpuPeriod(-1)), outOfRange("cpu_period")),
                c("CreateContainer: cpu_period 1 (kernel minimum 1000)", resources(r -> r.setCpuPeriod(1)), outOfRange("cpu_period")),
                c("CreateContainer: cpu_period 10 s (kernel maximum 1 s)", resources(r -> r.setCpuPeriod(10_000_000)), outOfRange("cpu_period")),
                c("CreateContainer: memory_limit_in_bytes -2", resources(r -> r.setMemoryLimitInBytes(-2)), outOfRange("memory_limit_in_bytes")),
                c("CreateContainer: memory_limit_in_bytes 1", resources(r -> r.setMemoryLimitInBytes(1)), outOfRange("memory_limit_in_bytes")),
                c("CreateContainer: oom_score_adj 1001", resources(r -> r.setOomScoreAdj(1001)), outOfRange("oom_score_adj")),
                c("CreateContainer: oom_score_adj -1001", resources(r -> r.setOomScoreAdj(-1001)), outOfRange("oom_score_adj")),
                c("CreateContainer: oom_score_adj Long.MIN_VALUE", resources(r -> r.setOomScoreAdj(Long.MIN_VALUE)), outOfRange("oom_score_adj")),
                c("CreateContainer: hugepage page size 2XB", resources(r -> r.addHugepageLimits(
                        Api.HugepageLimit.newBuilder().setPageSize("2XB").setLimit(1 << 21))), invalid("hugepage_limits")),
                c("CreateContainer: run_as_user -1", security(s -> s.setRunAsUser(Api.Int64Value.newBuilder().setValue(-1))), outOfRange("run_as_user")),
                c("CreateContainer: run_as_group 2^32", security(s -> s.setRunAsUser(Api.Int64Value.newBuilder().setValue(0))
                        .setRunAsGroup(Api.Int64Value.newBuilder().setValue(1L << 32))), outOfRange("run_as_group")),
                c("CreateContainer: supplemental_groups -1", security(s -> s.addSupplementalGroups(-1)), outOfRange("supplemental_groups")),
                c("RunPodSandbox: attempt 2^32-1", runPod(p -> p.getMetadataBuilder().setAttempt(-1)), ok()),
                c("CreateContainer: attempt 2^32-1", createContainer(c -> c.getMetadataBuilder().setAttempt(-1)), ok()),
                c("RunPodSandbox: pod cpu_period 1", runPod(p -> p.getLinuxBuilder().getResourcesBuilder().setCpuPeriod(1)), outOfRange("cpu_period")),
                c("RunPodSandbox: pod memory_limit_in_bytes 1", runPod(p -> p.getLinuxBuilder().getResourcesBuilder()
                        .setMemoryLimitInBytes(1)), outOfRange("memory_limit_in_bytes")),
                c("RunPodSandbox: pod cpu_quota -5", runPod(p -> p.getLinuxBuilder().getResourcesBuilder().setCpuQuota(-5)), outOfRange("cpu_quota")),
                c("UpdateContainerResources: cpu_shares -1", updateRunning(r -> r.setCpuShares(-1)), outOfRange("cpu_shares")),
                c("UpdateContainerResources: cpu_quota 1", updateRunning(r -> r.setCpuQuota(1)), outOfRange("cpu_quota")),
                c("UpdateContainerResources: memory_limit_in_bytes 1", updateRunning(r -> r.setMemoryLimitInBytes(1)), outOfRange("memory_limit_in_bytes")),
                c("UpdateContainerResources: oom_score_adj 5000", updateRunning(r -> r.setOomScoreAdj(5000)), outOfRange("oom_score_adj")),
                c("UpdateContainerResources: cpuset_cpus 4096", updateRunning(r -> r.setCpusetCpus("4096")), outOfRange("cpuset_cpus")),
                c("UpdateContainerResources: no resources", rpc(getUpdateContainerResourcesMethod(), f -> Api.UpdateContainerResourcesRequest
                        .newBuilder().setContainerId(f.container(State.RUNNING)).build()), ok()),
                c("CreateContainer: kubelet's limits at their minimums", resources(r -> r.setCpuShares(2).setCpuQuota(1000)
                        .setCpuPeriod(100_000).setMemoryLimitInBytes(12L << 20).setOomScoreAdj(-997)), ok()),
                c("CreateContainer: cpu_quota -1 (unlimited)", resources(r -> r.setCpuQuota(-1)), ok()),
                c("CreateContainer: cpu_quota 2^62", resources(r -> r.setCpuQuota(1L << 62)), outOfRange("cpu_quota")),
                c("CreateContainer: memory_swap_limit_in_bytes below the limit", resources(r -> r.setMemoryLimitInBytes(64L << 20)
                        .setMemorySwapLimitInBytes(32L << 20)), outOfRange("memory_swap_limit_in_bytes")),
                c("CreateContainer: hugepage size this node lacks", resources(r -> r.addHugepageLimits(
                        Api.HugepageLimit.newBuilder().setPageSize("16GB").setLimit(0))), invalid("hugepage_limits")),
                c("CreateContainer: unified key ../x", resources(r -> r.putUnified("../x", "1")), invalid("unified")),
                c("RunPodSandbox: overhead memory 5 MiB (added to the limit)", runPod(p -> p.getLinuxBuilder()
                        .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20))
                        .setOverhead(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(5L << 20))), ok()));
    }

    /** Pod sysctls: only namespaced names, values the kernel takes; refused before anything is made. */
    static List<FuzzCase> sysctls() {
        return List.of(
                c("RunPodSandbox: sysctl kernel.shmmax=lots", sysctl(false, "kernel.shmmax", "lots"), invalid("kernel.shmmax")),
                c("RunPodSandbox: sysctl kernel.msgmax=''", sysctl(false, "kernel.msgmax", ""), invalid("kernel.msgmax")),
                c("RunPodSandbox: sysctl kernel.shmmax of 1 MiB", sysctl(false, "kernel.shmmax", MIB), invalid("kernel.shmmax")),
                c("RunPodSandbox: sysctl value with a line break", sysctl(false, "kernel.shmmax", "1\nkernel.panic=1"), invalid("kernel.shmmax")),
                c("RunPodSandbox: sysctl net.core.somaxconn=abc", sysctl(true, "net.core.somaxconn", "abc"), invalid("net.core.somaxconn")),
                c("RunPodSandbox: sysctl net.ipv4.ip_unprivileged_port_start=70000", sysctl(true,
                        "net.ipv4.ip_unprivileged_port_start", "70000"), invalid("net.ipv4.ip_unprivileged_port_start")),
                c("RunPodSandbox: sysctl net.ipv4.no_such_sysctl", sysctl(true, "net.ipv4.no_such_sysctl", "1"), invalid("net.ipv4.no_such_sysctl")),
                c("RunPodSandbox: sysctl kernel.panic (not namespaced)", sysctl(false, "kernel.panic", "1"), invalid("kernel.panic")),
                c("RunPodSandbox: sysctl name with ..", sysctl(true, "net/ipv4/../../kernel/panic", "1"), invalid("net/ipv4/../../kernel/panic")),
                c("RunPodSandbox: sysctl empty name", sysctl(false, "", "1"), invalid("sysctl")),
                c("RunPodSandbox: sysctl name kernel.shm*", sysctl(false, "kernel.shm*", "1"), invalid("kernel.shm*")),
                c("RunPodSandbox: net sysctl on the host network", sysctl(false, "net.ipv4.ip_forward", "1"), invalid("net.ipv4.ip_forward")),
                c("RunPodSandbox: valid sysctls", runPod(p -> p.getLinuxBuilder().putSysctls("kernel.shmmax", "123456789")
                        .putSysctls("kernel.msgmax", "9000")), ok()),
                c("RunPodSandbox: sysctl kernel.sem with 3 of its 4 numbers", sysctl(false, "kernel.sem", "250 32000 32"), invalid("kernel.sem")),
                c("RunPodSandbox: sysctl kernel.shmmax beyond 64 bits", sysctl(false, "kernel.shmmax", "9".repeat(30)), invalid("kernel.shmmax")),
                c("RunPodSandbox: sysctl net.ipv4.ip_local_port_range", sysctl(true, "net.ipv4.ip_local_port_range", "1024 65000"), ok()),
                c("RunPodSandbox: sysctl net.core.somaxconn=-1 (a bound only the kernel knows)", sysctl(true, "net.core.somaxconn", "-1"),
                        invalid("net.core.somaxconn")));
    }

    static List<FuzzCase> cpusets() {
        return List.of(
                c("CreateContainer: cpuset_cpus abc", resources(r -> r.setCpusetCpus("abc")), invalid("cpuset_cpus")),
                c("CreateContainer: cpuset_cpus 4096 (no such CPU)", resources(r -> r.setCpusetCpus("4096")), outOfRange("cpuset_cpus")),
                c("CreateContainer: cpuset_cpus 1-0", resources(r -> r.setCpusetCpus("1-0")), invalid("cpuset_cpus")),
                c("CreateContainer: cpuset_cpus 0-", resources(r -> r.setCpusetCpus("0-")), invalid("cpuset_cpus")),
                c("CreateContainer: cpuset_cpus ,", resources(r -> r.setCpusetCpus(",")), invalid("cpuset_cpus")),
                c("CreateContainer: cpuset_mems 64 (no such node)", resources(r -> r.setCpusetMems("64")), outOfRange("cpuset_mems")),
                c("CreateContainer: cpuset_cpus 0", resources(r -> r.setCpusetCpus("0")), ok()));
    }

    /** Port mappings of a pod on the pod network (CNI portmap). */
    static List<FuzzCase> ports() {
        return List.of(
                c("RunPodSandbox: host_port 70000", ports(port(Api.Protocol.TCP, 80, 70000)), outOfRange("host_port")),
                c("RunPodSandbox: host_port 65536", ports(port(Api.Protocol.TCP, 80, 65536)), outOfRange("host_port")),
                c("RunPodSandbox: host_port -1", ports(port(Api.Protocol.TCP, 80, -1)), outOfRange("host_port")),
                c("RunPodSandbox: container_port 0", ports(port(Api.Protocol.TCP, 0, 28080)), outOfRange("container_port")),
                c("RunPodSandbox: container_port -5", ports(port(Api.Protocol.TCP, -5, 28081)), outOfRange("container_port")),
                c("RunPodSandbox: container_port 70000", ports(port(Api.Protocol.TCP, 70000, 28082)), outOfRange("container_port")),
                c("RunPodSandbox: container_port 0, no host port", ports(port(Api.Protocol.TCP, 0, 0)), outOfRange("container_port")),
                c("RunPodSandbox: unknown protocol 42", ports(port(Api.Protocol.TCP, 80, 28083).toBuilder().setProtocolValue(42).build()),
                        invalid("protocol")),
                c("RunPodSandbox: host_ip not an address", ports(port(Api.Protocol.TCP, 80, 28084).toBuilder().setHostIp("not-an-ip").build()),
                        invalid("host_ip")),
                c("RunPodSandbox: valid host port", ports(port(Api.Protocol.UDP, 53, 28085)), ok()),
                c("RunPodSandbox: container port only (kubelet sends every declared port)", ports(port(Api.Protocol.TCP, 8080, 0)), ok()));
    }

    static List<FuzzCase> hugeAndOddStrings() {
        return List.of(
                c("RunPodSandbox: metadata.name of 1 MiB", runPod(p -> p.getMetadataBuilder().setName(MIB)), invalid("metadata.name")),
                c("RunPodSandbox: metadata.namespace of 1 MiB", runPod(p -> p.getMetadataBuilder().setNamespace(MIB)), invalid("metadata.namespace")),
                c("RunPodSandbox: metadata.uid of 1 MiB", runPod(p -> p.getMetadataBuilder().setUid(MIB)), invalid("metadata.uid")),
                c("RunPodSandbox: empty metadata.name", runPod(p -> p.getMetadataBuilder().setName("")), invalid("metadata.name")),
                c("RunPodSandbox: blank metadata.name", runPod(p -> p.getMetadataBuilder().setName(" ")), invalid("metadata.name")),
                c("RunPodSandbox: metadata.name with a line break", runPod(p -> p.getMetadataBuilder().setName("a\nb")), invalid("metadata.name")),
                c("RunPodSandbox: metadata.uid with CNI_ARGS syntax", runNetPod(p -> p.getMetadataBuilder().setUid("u;K8S_POD_NAME=x")),
                        invalid("metadata.uid")),
                c("RunPodSandbox: dns option with a space", runPod(p -> p.getDnsConfigBuilder().addOptions("ndots:5 rotate")), invalid("dns_config")),
                c("RunPodSandbox: label value of 1 MiB", runPod(p -> p.putLabels("big", MIB)), invalid("labels")),
                c("RunPodSandbox: label key of 1 MiB", runPod(p -> p.putLabels(MIB, "v")), invalid("labels")),
                c("RunPodSandbox: annotation of 1 MiB", runPod(p -> p.putAnnotations("big", MIB)), invalid("annotations")),
                c("RunPodSandbox: hostname of 65 characters", runNetPod(p -> p.setHostname("h".repeat(65))), invalid("hostname")),
                c("RunPodSandbox: hostname with a line break", runNetPod(p -> p.setHostname("bad\nname")), invalid("hostname")),
                c("RunPodSandbox: hostname of 1 MiB", runNetPod(p -> p.setHostname(MIB)), invalid("hostname")),
                c("RunPodSandbox: dns server with a line break", runPod(p -> p.getDnsConfigBuilder().addServers("1.1.1.1\nnameserver 6.6.6.6")),
                        invalid("dns_config")),
                c("RunPodSandbox: cgroup_parent of 1 MiB", runPod(p -> p.getLinuxBuilder().setCgroupParent("/" + MIB)), invalid("cgroup_parent")),
                c("RunPodSandbox: cgroup_parent with NUL", runPod(p -> p.getLinuxBuilder().setCgroupParent("/jcri-fuzz\0x")), invalid("cgroup_parent")),
                c("RunPodSandbox: cgroup_parent relative", runPod(p -> p.getLinuxBuilder().setCgroupParent("relative/path")), invalid("cgroup_parent")),
                c("RunPodSandbox: cgroup_parent escaping with ..", runPod(p -> p.getLinuxBuilder().setCgroupParent("/a/../../b")), invalid("cgroup_parent")),
                c("CreateContainer: metadata.name of 1 MiB", createContainer(c -> c.getMetadataBuilder().setName(MIB)), invalid("metadata.name")),
                c("RunPodSandbox: metadata.name with NUL (pod network)", runNetPod(p -> p.getMetadataBuilder().setName("a\0b")),
                        invalid("metadata.name")),
                c("CreateContainer: metadata.name with NUL", createContainer(c -> c.getMetadataBuilder().setName("a\0b")),
                        invalid("metadata.name")),
                c("CreateContainer: empty metadata.name", createContainer(c -> c.getMetadataBuilder().setName("")), invalid("metadata.name")),
                c("CreateContainer: label value of 1 MiB", createContainer(c -> c.putLabels("big", MIB)), invalid("labels")),
                c("CreateContainer: annotation of 1 MiB", createContainer(c -> c.putAnnotations("big", MIB)), invalid("annotations")),
                c("CreateContainer: env with empty name", createContainer(c -> c.addEnvs(env("", "v"))),
                        invalid("envs")),
                c("CreateContainer: env name with =", createContainer(c -> c.addEnvs(env("A=B", "v"))),
                        invalid("envs")),
                c("CreateContainer: args with NUL", createContainer(c -> c.clearCommand().addCommand("echo").addArgs("a\0b")), invalid("args")),
                c("CreateContainer: command with NUL", createContainer(c -> c.clearCommand().addCommand("ec\0ho")), invalid("command")),
                c("CreateContainer: working_dir with NUL", createContainer(c -> c.setWorkingDir("/tmp\0x")), invalid("working_dir")),
                c("CreateContainer: working_dir relative", createContainer(c -> c.setWorkingDir("tmp")), invalid("working_dir")),
                c("CreateContainer: metadata.name with _ (conmon's name separator)", createContainer(c -> c.getMetadataBuilder().setName("a_b")),
                        invalid("metadata.name")),
                c("CreateContainer: env of 1 MiB", createContainer(c -> c.addEnvs(env("BIG", MIB))), invalid("envs")));
    }

    static List<FuzzCase> duplicatesAndRaces() {
        return List.of(
                c("CreateContainer: same name twice", createWith(f -> {
                    Api.ContainerConfig config = f.containerConfig().build();
                    f.container(f.env.basePodId(), config, State.CREATED);
                    f.target = config.getMetadata().getName();
                    return config;
                }), alreadyExists(TARGET)),
                c("CreateContainer: same name 4 times at once", concurrently(4, getCreateContainerMethod(), f -> {
                    Api.ContainerConfig config = f.containerConfig().build();
                    f.target = config.getMetadata().getName();
                    return Api.CreateContainerRequest.newBuilder().setPodSandboxId(f.env.basePodId())
                            .setSandboxConfig(f.env.basePod()).setConfig(config).build();
                }), alreadyExists(TARGET)),
                c("CreateContainer: same name in another pod", createWith(f -> {
                    Api.ContainerConfig config = f.containerConfig().build();
                    String other = f.pod();
                    f.container(other, config, State.CREATED);
                    return config;
                }), ok()),
                c("RunPodSandbox: retried with the same metadata", FuzzCases::retriedRunReturnsTheSamePod, ok()),
                c("RemoveContainer: 8 at once", concurrently(8, getRemoveContainerMethod(), f -> remove(f.container(State.RUNNING))), ok()),
                c("StopContainer: 4 at once", concurrently(4, getStopContainerMethod(), f -> stop(f.container(State.RUNNING), 5)), ok()),
                c("RemovePodSandbox: 8 at once, with a running container", concurrently(8, getRemovePodSandboxMethod(), f -> {
                    String pod = f.pod();
                    f.container(pod, f.containerConfig().build(), State.RUNNING);
                    return removePod(pod);
                }), ok()),
                c("StopPodSandbox: 4 at once", concurrently(4, getStopPodSandboxMethod(), f -> stopPod(f.pod())), ok()),
                c("StopContainer racing RemoveContainer", race(getStopContainerMethod(), f -> stop(f.container(State.RUNNING), 10),
                        getRemoveContainerMethod(), f -> remove(f.target)), ok()),
                c("CreateContainer racing RemovePodSandbox", FuzzCases::createRacingPodRemoval, ok()));
    }

    static List<FuzzCase> logPaths() {
        return List.of(
                c("CreateContainer: log_path ../escape.log", createContainer(c -> c.setLogPath("../escape.log")), invalid("log_path")),
                c("CreateContainer: log_path with NUL", createContainer(c -> c.setLogPath("a\0b.log")), invalid("log_path")),
                c("CreateContainer: log_path ending in /", createContainer(c -> c.setLogPath("sub/")), invalid("log_path")),
                c("CreateContainer: log_path of 1 MiB", createContainer(c -> c.setLogPath(MIB)), invalid("log_path")),
                c("RunPodSandbox: log_directory relative", runPod(p -> p.setLogDirectory("relative/logs")), invalid("log_directory")),
                c("RunPodSandbox: log_directory with NUL", runPod(p -> p.setLogDirectory("/tmp/a\0b")), invalid("log_directory")),
                c("RunPodSandbox: log_directory is not a directory", runPod(p -> p.setLogDirectory("/dev/null")),
                        invalid("log_directory")),
                c("RunPodSandbox: log_directory of 1 MiB", runPod(p -> p.setLogDirectory("/" + MIB)), invalid("log_directory")));
    }

    static List<FuzzCase> images() {
        return List.of(
                c("PullImage: upper-case repository", rpc(getPullImageMethod(), f -> pull("UPPER/Case:1")), invalid("image")),
                c("PullImage: reference with a space", rpc(getPullImageMethod(), f -> pull("busy box")), invalid("image")),
                c("PullImage: reference of 1 MiB", rpc(getPullImageMethod(), f -> pull(MIB)), invalid("image")),
                c("PullImage: short digest", rpc(getPullImageMethod(), f -> pull("busybox@sha256:abc")), invalid("image")),
                c("PullImage: reference with NUL", rpc(getPullImageMethod(), f -> pull("busybox\0:1")), invalid("image")),
                c("PullImage: unknown repository", rpc(getPullImageMethod(), f -> pull(registryRef(f, "never/pushed:1"))), notFound("never/pushed")),
                c("PullImage: unknown tag", rpc(getPullImageMethod(), f -> pull(f.env.image().replaceFirst(":[^:/]+$", ":nosuchtag"))),
                        notFound("nosuchtag")),
                c("PullImage: auth not base64", rpc(getPullImageMethod(), f -> pull(f.env.image()).toBuilder()
                        .setAuth(Api.AuthConfig.newBuilder().setAuth("***not base64***")).build()), invalid("auth")),
                c("ImageStatus: upper-case repository", rpc(getImageStatusMethod(), f -> Api.ImageStatusRequest.newBuilder()
                        .setImage(Calls.image("UPPER/Case")).build()), invalid("image")),
                c("ImageStatus: reference of 1 MiB", rpc(getImageStatusMethod(), f -> Api.ImageStatusRequest.newBuilder()
                        .setImage(Calls.image(MIB)).build()), invalid("image")),
                c("RemoveImage: upper-case repository", rpc(getRemoveImageMethod(), f -> Api.RemoveImageRequest.newBuilder()
                        .setImage(Calls.image("UPPER/Case")).build()), invalid("image")),
                c("ListImages: filter that is no reference", rpc(getListImagesMethod(), f -> Api.ListImagesRequest.newBuilder()
                        .setFilter(Api.ImageFilter.newBuilder().setImage(Calls.image("UPPER/Case"))).build()), ok()),
                c("CreateContainer: image reference upper-case", createContainer(c -> c.setImage(Calls.image("UPPER/Case:1"))), invalid("image")),
                c("CreateContainer: image reference of 1 MiB", createContainer(c -> c.setImage(Calls.image(MIB))), invalid("image")),
                c("CreateContainer: image not pulled", createContainer(c -> c.setImage(Calls.image("127.0.0.1:1/never/pulled:1"))),
                        notFound("never/pulled")),
                c("CreateContainer: image ID prefix of nothing", createContainer(c -> c.setImage(Calls.image("0bad0bad"))), notFound("0bad0bad")),
                c("UpdateRuntimeConfig: pod_cidr not a CIDR", rpc(getUpdateRuntimeConfigMethod(), f -> Api.UpdateRuntimeConfigRequest.newBuilder()
                        .setRuntimeConfig(Api.RuntimeConfig.newBuilder().setNetworkConfig(Api.NetworkConfig.newBuilder()
                                .setPodCidr("not-a-cidr"))).build()), invalid("pod_cidr")),
                c("UpdateRuntimeConfig: pod_cidr prefix /33", rpc(getUpdateRuntimeConfigMethod(), f -> Api.UpdateRuntimeConfigRequest.newBuilder()
                        .setRuntimeConfig(Api.RuntimeConfig.newBuilder().setNetworkConfig(Api.NetworkConfig.newBuilder()
                                .setPodCidr("10.244.0.0/33"))).build()), invalid("pod_cidr")),
                c("UpdateRuntimeConfig: dual-stack pod_cidr", rpc(getUpdateRuntimeConfigMethod(), f -> Api.UpdateRuntimeConfigRequest.newBuilder()
                        .setRuntimeConfig(Api.RuntimeConfig.newBuilder().setNetworkConfig(Api.NetworkConfig.newBuilder()
                                .setPodCidr("10.244.0.0/24,fd00:10:244::/64"))).build()), ok()));
    }

    static List<FuzzCase> handlersMountsNamespaces() {
        return List.of(
                c("RunPodSandbox: unknown runtime_handler", runPodRequest(r -> r.setRuntimeHandler("no-such-runtime")), invalid("runtime_handler")),
                c("RunPodSandbox: runtime_handler of 1 MiB", runPodRequest(r -> r.setRuntimeHandler(MIB)), invalid("runtime_handler")),
                c("RunPodSandbox: runtime_handler crun", runPodRequest(r -> r.setRuntimeHandler("crun")), ok()),
                c("CreateContainer: mount container_path relative", mounts(mount("data", "/tmp")), invalid("container_path")),
                c("CreateContainer: mount container_path empty", mounts(mount("", "/tmp")), invalid("container_path")),
                c("CreateContainer: mount container_path /", mounts(mount("/", "/tmp")), invalid("container_path")),
                c("CreateContainer: mount host_path empty", mounts(mount("/data", "")), invalid("host_path")),
                c("CreateContainer: mount host_path relative", mounts(mount("/data", "tmp")), invalid("host_path")),
                c("CreateContainer: mount host_path with NUL", mounts(mount("/data", "/tmp\0x")), invalid("host_path")),
                c("CreateContainer: mount over /proc/self", mounts(mount("/proc/self", "/tmp")), invalid("container_path")),
                c("CreateContainer: mount at /proc from a directory", mounts(mount("/proc", "/tmp")), invalid("container_path")),
                c("CreateContainer: mount container_path twice", mounts(mount("/data", "/tmp"), mount("/data/../data", "/tmp")),
                        invalid("container_path")),
                c("CreateContainer: mount propagation 7", mounts(mount("/data", "/tmp").toBuilder().setPropagationValue(7).build()),
                        invalid("propagation")),
                c("CreateContainer: missing host_path, then a bad mount", createWith(f -> {
                    Path missing = f.env.work().resolve("hostpaths").resolve(Fixture.unique("missing"));
                    return f.containerConfig().addMounts(mount("/a", missing.toString())).addMounts(mount("b", "/tmp")).build();
                }), invalid("mounts[1]")),
                c("CreateContainer: missing host_path, then a bad cpuset", createWith(f -> {
                    Path missing = f.env.work().resolve("hostpaths").resolve(Fixture.unique("missing"));
                    Api.ContainerConfig.Builder config = f.containerConfig().addMounts(mount("/a", missing.toString()));
                    config.getLinuxBuilder().getResourcesBuilder().setCpusetCpus("4096");
                    return config.build();
                }), outOfRange("cpuset_cpus")),
                c("CreateContainer: pid TARGET without target_id", namespaces(n -> n.setPid(Api.NamespaceMode.TARGET)), invalid("target_id")),
                c("CreateContainer: pid TARGET of an unknown container", namespaces(n -> n.setPid(Api.NamespaceMode.TARGET)
                        .setTargetId(UNKNOWN_ID)), invalid("target_id")),
                c("CreateContainer: pid TARGET in another pod", createWith(f -> {
                    String otherPod = f.pod();
                    String other = f.container(otherPod, f.containerConfig().build(), State.RUNNING);
                    Api.ContainerConfig.Builder config = f.containerConfig();
                    config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                            .setPid(Api.NamespaceMode.TARGET).setTargetId(other);
                    return config.build();
                }), invalid("target_id")),
                c("CreateContainer: network TARGET", namespaces(n -> n.setNetwork(Api.NamespaceMode.TARGET)), invalid("network")),
                c("CreateContainer: ipc TARGET", namespaces(n -> n.setIpc(Api.NamespaceMode.TARGET)), invalid("ipc")),
                c("RunPodSandbox: network mode 9", runPod(p -> p.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                        .setNetworkValue(9)), invalid("network")),
                c("RunPodSandbox: pid TARGET", runPod(p -> p.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                        .setPid(Api.NamespaceMode.TARGET)), invalid("pid")),
                c("RunPodSandbox: userns CONTAINER", podUserns(u -> u.setMode(Api.NamespaceMode.CONTAINER)), invalid("userns_options.mode")),
                c("RunPodSandbox: userns TARGET", podUserns(u -> u.setMode(Api.NamespaceMode.TARGET)), invalid("userns_options.mode")),
                c("RunPodSandbox: userns mode 9", podUserns(u -> u.setModeValue(9)), invalid("userns_options.mode")),
                c("RunPodSandbox: userns two uid mappings", podUserns(u -> u.addUids(idMapping(0, 1_600_000, 1))
                        .addUids(idMapping(1, 1_700_000, 1))), invalid("userns_options.uids")),
                c("RunPodSandbox: userns root unmapped", podUserns(u -> u.clearUids().addUids(idMapping(1, 1_600_000, 65536))),
                        invalid("userns_options.uids[0].container_id")),
                c("RunPodSandbox: userns host root", podUserns(u -> u.clearGids().addGids(idMapping(0, 0, 65536))),
                        invalid("userns_options.gids[0].host_id")),
                c("RunPodSandbox: userns zero length", podUserns(u -> u.clearUids().addUids(idMapping(0, 1_600_000, 0))),
                        invalid("userns_options.uids[0].length")),
                c("RunPodSandbox: userns past 2^32", podUserns(u -> u.clearUids().addUids(idMapping(0, -100, 65536))),
                        invalid("userns_options.uids[0].length")),
                c("RunPodSandbox: userns NODE with mappings", podUserns(u -> u.setMode(Api.NamespaceMode.NODE)),
                        invalid("userns_options")),
                c("RunPodSandbox: userns with host network", runPod(p -> p.getLinuxBuilder().getSecurityContextBuilder()
                        .getNamespaceOptionsBuilder().setNetwork(Api.NamespaceMode.NODE).setUsernsOptions(podUserns())),
                        invalid("namespace_options.network")),
                c("CreateContainer: userns in a pod without one", namespaces(n -> n.setUsernsOptions(podUserns())),
                        invalid("userns_options")));
    }

    /** A valid pod user namespace (container 0..65535 → node 1600000..), as kubelet sends one. */
    private static Api.UserNamespace podUserns() {
        return Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(idMapping(0, 1_600_000, 65536))
                .addGids(idMapping(0, 1_600_000, 65536)).build();
    }

    private static Api.IDMapping idMapping(int containerId, int hostId, int length) {
        return Api.IDMapping.newBuilder().setContainerId(containerId).setHostId(hostId).setLength(length).build();
    }

    /** RunPodSandbox with the valid user namespace edited by {@code edit}. */
    private static FuzzCase.Call podUserns(java.util.function.Consumer<Api.UserNamespace.Builder> edit) {
        return runPod(p -> {
            Api.UserNamespace.Builder u = podUserns().toBuilder();
            edit.accept(u);
            p.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(u);
        });
    }

    static List<FuzzCase> containerConfig() {
        return List.of(
                c("CreateContainer: device host_path missing", createContainer(c -> c.addDevices(Api.Device.newBuilder()
                        .setHostPath("/dev/no-such-device").setContainerPath("/dev/x"))), invalid("host_path")),
                c("CreateContainer: device permissions rwx", createContainer(c -> c.addDevices(Api.Device.newBuilder()
                        .setHostPath("/dev/null").setContainerPath("/dev/x").setPermissions("rwx"))), invalid("permissions")),
                c("CreateContainer: unknown capability", security(s -> s.setCapabilities(Api.Capability.newBuilder()
                        .addAddCapabilities("CAP_NOPE"))), invalid("capabilities")),
                c("CreateContainer: seccomp Localhost relative", security(s -> s.setSeccomp(Api.SecurityProfile.newBuilder()
                        .setProfileType(Api.SecurityProfile.ProfileType.Localhost).setLocalhostRef("profile.json"))), invalid("seccomp")),
                c("CreateContainer: seccomp Localhost missing", security(s -> s.setSeccomp(Api.SecurityProfile.newBuilder()
                        .setProfileType(Api.SecurityProfile.ProfileType.Localhost).setLocalhostRef("/no/such/profile.json"))), invalid("seccomp")),
                c("CreateContainer: seccomp profile type 9", security(s -> s.setSeccomp(Api.SecurityProfile.newBuilder()
                        .setProfileTypeValue(9))), invalid("seccomp")),
                c("CreateContainer: stop_signal 99", createContainer(c -> c.setStopSignalValue(99)), invalid("stop_signal")),
                c("CreateContainer: privileged in an unprivileged pod", security(s -> s.setPrivileged(true)), invalid("privileged")),
                c("CreateContainer: run_as_username unknown", security(s -> s.setRunAsUsername("nosuchuser")), invalid("run_as_username")),
                c("CreateContainer: run_as_group alone", security(s -> s.setRunAsGroup(Api.Int64Value.newBuilder().setValue(5))),
                        invalid("run_as_group")),
                c("CreateContainer: masked path relative", security(s -> s.addMaskedPaths("proc/kcore")), invalid("masked_paths")),
                c("CreateContainer: masked path /proc/self", security(s -> s.addMaskedPaths("/proc/self")), invalid("masked_paths")),
                c("CreateContainer: masked path /", security(s -> s.addMaskedPaths("/")), invalid("masked_paths")),
                c("CreateContainer: readonly path /proc/thread-self", security(s -> s.addReadonlyPaths("/proc/thread-self")),
                        invalid("readonly_paths")),
                c("CreateContainer: readonly path relative", security(s -> s.addReadonlyPaths("proc/sys")), invalid("readonly_paths")));
    }

    // ---------------------------------------------------------------- call builders of this table

    private static FuzzCase.Call resources(java.util.function.Consumer<Api.LinuxContainerResources.Builder> edit) {
        return createContainer(c -> edit.accept(c.getLinuxBuilder().getResourcesBuilder()));
    }

    private static FuzzCase.Call security(java.util.function.Consumer<Api.LinuxContainerSecurityContext.Builder> edit) {
        return createContainer(c -> edit.accept(c.getLinuxBuilder().getSecurityContextBuilder()));
    }

    private static FuzzCase.Call namespaces(java.util.function.Consumer<Api.NamespaceOption.Builder> edit) {
        return createContainer(c -> edit.accept(c.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()));
    }

    private static FuzzCase.Call mounts(Api.Mount... mounts) {
        return createContainer(c -> c.addAllMounts(List.of(mounts)));
    }

    private static FuzzCase.Call updateRunning(java.util.function.Consumer<Api.LinuxContainerResources.Builder> edit) {
        return rpc(getUpdateContainerResourcesMethod(), f -> update(f.container(State.RUNNING), edit));
    }

    /** A pod with one sysctl: on the pod network for net.*, else on the host network (own IPC namespace). */
    private static FuzzCase.Call sysctl(boolean podNetwork, String name, String value) {
        java.util.function.Consumer<Api.PodSandboxConfig.Builder> edit = p -> p.getLinuxBuilder().putSysctls(name, value);
        return podNetwork ? runNetPod(edit) : runPod(edit);
    }

    private static Api.KeyValue env(String name, String value) {
        return Api.KeyValue.newBuilder().setKey(name).setValue(ByteString.copyFromUtf8(value)).build();
    }

    private static FuzzCase.Call ports(Api.PortMapping mapping) {
        return runNetPod(p -> p.addPortMappings(mapping));
    }

    private static String registryRef(Fixture f, String repository) {
        String image = f.env.image();
        return image.substring(0, image.indexOf('/') + 1) + repository;
    }

    /** kubelet's retry after a timeout must get the first sandbox back, not a second one. */
    private static FuzzCase.Answer retriedRunReturnsTheSamePod(Fixture f) {
        Api.PodSandboxConfig config = f.podConfig(false).build();
        String first = f.pod(config);
        FuzzCase.Answer again = Calls.call(f, runtime.v1.RuntimeServiceGrpc.getRunPodSandboxMethod(),
                Api.RunPodSandboxRequest.newBuilder().setConfig(config).build());
        if (again.response() instanceof Api.RunPodSandboxResponse r && !r.getPodSandboxId().equals(first)) {
            f.adoptPod(r.getPodSandboxId(), config);
            return new FuzzCase.Answer(Status.UNKNOWN.withDescription("check failed: the retry made a second sandbox "
                    + r.getPodSandboxId() + " beside " + first), null);
        }
        return again;
    }

    /**
     * CreateContainer and RemovePodSandbox at once, three times: either may win, but a container
     * must never outlive its removed pod.
     */
    private static FuzzCase.Answer createRacingPodRemoval(Fixture f) throws Exception {
        for (int round = 0; round < 3; round++) {
            String pod = f.pod();
            Api.ContainerConfig config = f.containerConfig().build();
            FuzzCase.Answer answer = race(getCreateContainerMethod(), x -> Api.CreateContainerRequest.newBuilder()
                            .setPodSandboxId(pod).setSandboxConfig(f.configOf(pod)).setConfig(config).build(),
                    getRemovePodSandboxMethod(), x -> removePod(pod)).run(f);
            List<Api.Container> survivors = f.env.cri().runtime().listContainers(Api.ListContainersRequest.newBuilder()
                    .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(pod)).build()).getContainersList();
            for (Api.Container s : survivors) {
                f.adoptContainer(s.getId(), f.configOf(pod), config);
            }
            if (!survivors.isEmpty()) {
                return new FuzzCase.Answer(Status.UNKNOWN.withDescription("check failed: container " + survivors.getFirst().getId()
                        + " outlived its removed pod " + pod), null);
            }
            Status s = answer.status();
            if (!s.isOk() && s.getCode() != Status.Code.NOT_FOUND && s.getCode() != Status.Code.FAILED_PRECONDITION) {
                return answer;
            }
        }
        return new FuzzCase.Answer(Status.OK, null);
    }
}
