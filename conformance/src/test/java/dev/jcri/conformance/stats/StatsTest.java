package dev.jcri.conformance.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.NetTools;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Container and pod stats and the cAdvisor metrics, on real containers: CPU of a busy loop,
 * memory a container holds, bytes it writes to its layer, traffic between two pods, filters,
 * stopped pods, and the Stream* calls against their unary twins.
 */
@ExtendWith(SharedRuntime.class)
class StatsTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path logs;

    private CriClient cri;
    private String image;
    private final List<String> podsMade = new ArrayList<>();

    @BeforeEach
    void image(CriClient cri) throws Exception {
        this.cri = cri;
        this.image = Containers.busybox(cri);
    }

    @AfterEach
    void removePods() {
        podsMade.forEach(id -> Pods.stopAndRemove(cri, id));
    }

    /** A pod with its own cgroup (as kubelet's pod cgroups) and, if asked, its own network. */
    private Api.PodSandboxConfig podConfig(String name, boolean network) {
        Api.PodSandboxConfig.Builder config = Pods.config(name, network, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString());
        config.getLinuxBuilder().setCgroupParent("/jcri-stats-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        return config.build();
    }

    private String runPod(Api.PodSandboxConfig config) {
        String id = Pods.run(cri, config);
        podsMade.add(id);
        return id;
    }

    private record Running(String podId, String id) {}

    /** A container running {@code script} in a pod of its own. */
    private Running runInOwnPod(String podName, boolean network, String name, String script) {
        Api.PodSandboxConfig config = podConfig(podName, network);
        String podId = runPod(config);
        return new Running(podId, runContainer(podId, config, name, script));
    }

    private String runContainer(String podId, Api.PodSandboxConfig pod, String name, String script) {
        String id = Containers.run(cri, podId, pod, Containers.config(name, image, "sh", "-c", script).build());
        Deadline.await(name + " running", Duration.ofSeconds(30),
                () -> Containers.status(cri, id).getState() == Api.ContainerState.CONTAINER_RUNNING);
        return id;
    }

    private Api.ContainerStats containerStats(String id) {
        return cri.runtime().containerStats(Api.ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
    }

    /** Polls ContainerStats until {@code until} holds (the writable layer is measured in the background, rates need two samples). */
    private Api.ContainerStats awaitStats(String id, String what, java.util.function.Predicate<Api.ContainerStats> until) {
        return Deadline.await(what, Duration.ofSeconds(60), () -> {
            Api.ContainerStats s = containerStats(id);
            return until.test(s) ? s : null;
        });
    }

    private Api.PodSandboxStats podStats(String id) {
        return cri.runtime().podSandboxStats(Api.PodSandboxStatsRequest.newBuilder().setPodSandboxId(id).build()).getStats();
    }

    @Test
    void aBusyLoopShowsCpuTimeAndNanoCoresGrowing() {
        Running run = runInOwnPod("busy", false, "spin", "while :; do :; done");
        String podId = run.podId();
        String id = run.id();

        Api.ContainerStats first = containerStats(id);
        assertTrue(first.getCpu().hasUsageCoreNanoSeconds(), first.toString());
        Api.ContainerStats later = awaitStats(id, "a rate of at least a fifth of a core",
                s -> s.getCpu().getUsageNanoCores().getValue() > 200_000_000L);
        assertTrue(later.getCpu().getUsageCoreNanoSeconds().getValue() > first.getCpu().getUsageCoreNanoSeconds().getValue());
        assertTrue(later.getCpu().getUsageNanoCores().getValue() < 1_500_000_000L, "one shell loop uses one core at most: "
                + later.getCpu().getUsageNanoCores().getValue());
        assertEquals(later.getCpu().getTimestamp(), later.getMemory().getTimestamp(), "one reading, one clock read");

        Api.PodSandboxStats podLater = Deadline.await("the pod's rate", Duration.ofSeconds(30), () -> {
            Api.PodSandboxStats s = podStats(podId);
            return s.getLinux().getCpu().getUsageNanoCores().getValue() > 200_000_000L ? s : null;
        });
        assertTrue(podLater.getLinux().getCpu().getUsageCoreNanoSeconds().getValue()
                >= later.getCpu().getUsageCoreNanoSeconds().getValue(), "the pod's cgroup holds the container's");
        assertTrue(podLater.getLinux().getProcess().getProcessCount().getValue() >= 1);
        assertEquals(List.of(id), podLater.getLinux().getContainersList().stream().map(c -> c.getAttributes().getId()).toList());
        assertFalse(podLater.getLinux().hasNetwork(), "a host-network pod has no network stats of its own");
    }

    @Test
    void memoryAContainerHoldsShowsInItsWorkingSetAndThePods() {
        // tmpfs pages are charged to the writer's cgroup and are not reclaimable file cache: working set
        Running run = runInOwnPod("memory", false, "hold", "dd if=/dev/zero of=/dev/shm/held bs=1M count=40; sleep 600");
        String podId = run.podId();
        String id = run.id();
        Api.ContainerStats stats = awaitStats(id, "40 MiB in the working set",
                s -> s.getMemory().getWorkingSetBytes().getValue() >= 40 * MIB);
        assertTrue(stats.getMemory().getUsageBytes().getValue() >= stats.getMemory().getWorkingSetBytes().getValue());
        Api.PodSandboxStats podStats = podStats(podId);
        assertTrue(podStats.getLinux().getMemory().getWorkingSetBytes().getValue() >= 40 * MIB, podStats.getLinux().getMemory().toString());

        Api.Metric workingSet = containerMetrics(podId, id).get("container_memory_working_set_bytes");
        assertTrue(workingSet.getValue().getValue() >= 40 * MIB, workingSet.toString());
        assertEquals(List.of(id, "hold"), workingSet.getLabelValuesList());
    }

    @Test
    void bytesWrittenToTheContainerLayerShowInItsWritableLayer() {
        Running run = runInOwnPod("layer", false, "writer", "sleep 1; dd if=/dev/zero of=/written bs=1M count=8; sleep 600");
        String id = run.id();
        Api.ContainerStats stats = awaitStats(id, "8 MiB in the writable layer (measured in the background)",
                s -> s.getWritableLayer().getUsedBytes().getValue() >= 8 * MIB);
        assertTrue(stats.getWritableLayer().getInodesUsed().getValue() >= 2);
        assertFalse(stats.getWritableLayer().getFsId().getMountpoint().isEmpty());
        assertTrue(stats.getWritableLayer().getTimestamp() > 0);
    }

    /**
     * A container that fills its layer with many files: each stats call used to walk them all
     * (seconds for a big layer, on every kubelet poll); now the walk runs in the background and a
     * call answers at once.
     */
    @Test
    void aLayerWithManyFilesDoesNotSlowStatsCalls() {
        Running run = runInOwnPod("files", false, "many", "mkdir /many && cd /many && seq 1 150000 | xargs touch && touch /done; sleep 600");
        String id = run.id();
        Deadline.await("150000 files made", Duration.ofMinutes(2),
                () -> Containers.exec(cri, id, 10, "test", "-e", "/done").getExitCode() == 0);
        awaitStats(id, "the files counted", s -> s.getWritableLayer().getInodesUsed().getValue() >= 150_000);
        // served from the snapshotter's last measurement, never by a walk on the call: back-to-back calls
        // see one measurement (two if a background refresh lands between them), not one walk each
        java.util.Set<Long> measurements = new java.util.HashSet<>();
        for (int i = 0; i < 21; i++) {
            measurements.add(cri.runtime().listContainerStats(Api.ListContainerStatsRequest.newBuilder()
                    .setFilter(Api.ContainerStatsFilter.newBuilder().setId(id)).build())
                    .getStats(0).getWritableLayer().getTimestamp());
        }
        assertTrue(measurements.size() <= 2, "a measurement per call: " + measurements);
    }

    @Test
    void podNetworkCountersGrowAfterTrafficBetweenTwoPods(TestNetwork network) throws Exception {
        Api.PodSandboxConfig configA = podConfig("net-a", true);
        Api.PodSandboxConfig configB = podConfig("net-b", true);
        String a = runPod(configA);
        String b = runPod(configB);
        Api.NetworkInterfaceUsage aBefore = podStats(a).getLinux().getNetwork().getDefaultInterface();
        Api.NetworkInterfaceUsage bBefore = podStats(b).getLinux().getNetwork().getDefaultInterface();
        assertEquals("eth0", aBefore.getName());
        assertTrue(podStats(a).getLinux().getNetwork().getInterfacesList().stream().noneMatch(i -> i.getName().equals("lo")));

        Path nsA = NetTools.netns(cri, a);
        Path nsB = NetTools.netns(cri, b);
        String ipA = Pods.status(cri, a).getNetwork().getIp();
        Process server = NetTools.listen(nsA, 8090);
        Deadline.await("the server in pod A", Duration.ofSeconds(10), () -> {
            try {
                return NetTools.run(nsA, "/bin/sh", "-c", "ss -ltn | grep -q ':8090 '").exitCode() == 0;
            } catch (Exception e) {
                return false;
            }
        });
        String payload = "x".repeat(20_000);
        NetTools.send(nsB, ipA, 8090, payload);
        assertTrue(NetTools.output(server).contains(payload));

        Api.NetworkInterfaceUsage aAfter = podStats(a).getLinux().getNetwork().getDefaultInterface();
        Api.NetworkInterfaceUsage bAfter = podStats(b).getLinux().getNetwork().getDefaultInterface();
        assertTrue(aAfter.getRxBytes().getValue() >= aBefore.getRxBytes().getValue() + payload.length(), aAfter.toString());
        assertTrue(bAfter.getTxBytes().getValue() >= bBefore.getTxBytes().getValue() + payload.length(), bAfter.toString());
        assertTrue(aAfter.hasRxErrors() && aAfter.hasTxErrors());

        Map<String, Api.Metric> podMetrics = podMetrics(a);
        Api.Metric rx = podMetrics.get("container_network_receive_bytes_total/eth0");
        assertTrue(rx != null && rx.getValue().getValue() >= aAfter.getRxBytes().getValue(), String.valueOf(rx));
    }

    /** A container with CAP_NET_ADMIN can fill its pod's namespace with interfaces: the report stays bounded. */
    @Test
    void aPodFullOfInterfacesGetsABoundedReportWithItsDefaultInterface(TestNetwork network) throws Exception {
        String podId = runPod(podConfig("ifaces", true));
        Path ns = NetTools.netns(cri, podId);
        NetTools.Result made = NetTools.run(ns, "/bin/sh", "-c",
                "for i in $(seq 1 60); do ip link add h$i type veth peer name p$i || exit 1; done");
        assertEquals(0, made.exitCode(), made.output());

        Api.NetworkUsage usage = podStats(podId).getLinux().getNetwork();
        assertEquals(32, usage.getInterfacesCount(), "120 veths and eth0, capped");
        assertEquals("eth0", usage.getDefaultInterface().getName());
        assertEquals("eth0", usage.getInterfaces(0).getName());
        long series = podMetrics(podId).keySet().stream().filter(k -> k.startsWith("container_network_receive_bytes_total/")).count();
        assertEquals(32, series, "one series per reported interface");
    }

    @Test
    void listsFilterByIdPrefixAndLabels() {
        Api.PodSandboxConfig pod1 = podConfig("filter-one", false);
        Api.PodSandboxConfig pod2 = podConfig("filter-two", false);
        String p1 = runPod(pod1);
        String p2 = runPod(pod2);
        String c1 = runContainer(p1, pod1, "first", "sleep 600");
        String c2 = runContainer(p2, pod2, "second", "sleep 600");

        assertEquals(List.of(p1), podIds(Api.PodSandboxStatsFilter.newBuilder().setId(p1.substring(0, 12)).build()));
        assertEquals(List.of(p2), podIds(Api.PodSandboxStatsFilter.newBuilder().putLabelSelector("jcri.test", "filter-two").build()));
        assertEquals(List.of(), podIds(Api.PodSandboxStatsFilter.newBuilder().setId(p1).putLabelSelector("jcri.test", "filter-two").build()));
        Set<String> both = new HashSet<>(podIds(Api.PodSandboxStatsFilter.getDefaultInstance()));
        assertTrue(both.containsAll(List.of(p1, p2)), both.toString());

        assertEquals(List.of(c1), containerIds(Api.ContainerStatsFilter.newBuilder().setPodSandboxId(p1.substring(0, 8)).build()));
        assertEquals(List.of(c2), containerIds(Api.ContainerStatsFilter.newBuilder().putLabelSelector("jcri.test", "second").build()));
        assertEquals(List.of(c1), containerIds(Api.ContainerStatsFilter.newBuilder().setId(c1.substring(0, 10)).build()));

        Api.PodSandboxStats byPrefix = podStats(p1.substring(0, 13));
        assertEquals(p1, byPrefix.getAttributes().getId());
        assertEquals(pod1.getMetadata(), byPrefix.getAttributes().getMetadata());
        assertEquals("value-filter-one", byPrefix.getAttributes().getAnnotationsMap().get("jcri.test/annotation"));
    }

    @Test
    void aStoppedPodStillAnswersWithWhatItsCgroupGives() {
        Api.PodSandboxConfig config = podConfig("stopped", true);
        String podId = runPod(config);
        runContainer(podId, config, "brief", "sleep 600");
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());

        Api.PodSandboxStats stats = podStats(podId);
        assertEquals(podId, stats.getAttributes().getId());
        assertFalse(stats.getLinux().hasNetwork(), "its network namespace is gone");
        assertEquals(0, stats.getLinux().getContainersCount(), "its containers exited");
        assertTrue(podIds(Api.PodSandboxStatsFilter.newBuilder().setId(podId).build()).contains(podId));
    }

    @Test
    void badRequestsNameTheField() {
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> podStats(""));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertTrue(empty.getStatus().getDescription().contains("pod_sandbox_id"), empty.getStatus().getDescription());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> podStats("feedfacefeedface"));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        StatusRuntimeException noContainer = assertThrows(StatusRuntimeException.class, () -> containerStats(""));
        assertTrue(noContainer.getStatus().getDescription().contains("container_id"));
    }

    @Test
    void metricsAreDescribedAndMatchTheStats() {
        Running run = runInOwnPod("metrics", true, "measured", "sleep 600");
        String podId = run.podId();
        String id = run.id();

        Map<String, Api.MetricDescriptor> descriptors = cri.runtime().listMetricDescriptors(
                Api.ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList().stream()
                .collect(Collectors.toMap(Api.MetricDescriptor::getName, Function.identity()));
        for (String name : List.of("container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
                "container_memory_usage_bytes", "container_memory_rss", "container_network_receive_bytes_total",
                "container_network_transmit_bytes_total", "container_processes")) {
            assertTrue(descriptors.containsKey(name), name);
        }
        Api.PodSandboxMetrics pod = cri.runtime().listPodSandboxMetrics(Api.ListPodSandboxMetricsRequest.getDefaultInstance())
                .getPodMetricsList().stream().filter(m -> m.getPodSandboxId().equals(podId)).findFirst().orElseThrow();
        List<Api.Metric> all = new ArrayList<>(pod.getMetricsList());
        pod.getContainerMetricsList().forEach(c -> all.addAll(c.getMetricsList()));
        for (Api.Metric m : all) {
            Api.MetricDescriptor d = descriptors.get(m.getName());
            assertTrue(d != null, m.getName() + " has no descriptor");
            assertEquals(d.getLabelKeysCount(), m.getLabelValuesCount(), m.getName());
        }
        Map<String, Api.Metric> container = containerMetrics(podId, id);
        Api.ContainerStats stats = containerStats(id);
        assertEquals(1, container.get("container_processes").getValue().getValue(), "sleep alone");
        assertTrue(container.get("container_cpu_usage_seconds_total").getValue().getValue()
                <= stats.getCpu().getUsageCoreNanoSeconds().getValue() / 1_000_000_000L);
        assertTrue(podMetrics(podId).containsKey("container_network_transmit_bytes_total/eth0"));
    }

    /**
     * The metric names critest v1.36's "listing pod sandbox metrics" expects (cAdvisor's, as
     * kubelet serves them with CRI-O; those critest lists as unimplemented by every runtime left
     * out), each described and present for a running container's pod with plausible values: a
     * container holding five files and a listening socket, that wrote past the page cache.
     */
    private static final List<String> CRITEST_NAMES = List.of("container_blkio_device_usage_total",
            "container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total",
            "container_cpu_cfs_throttled_seconds_total", "container_cpu_system_seconds_total",
            "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total", "container_file_descriptors",
            "container_fs_inodes_free", "container_fs_inodes_total", "container_fs_limit_bytes", "container_fs_reads_bytes_total",
            "container_fs_reads_total", "container_fs_usage_bytes", "container_fs_writes_bytes_total", "container_fs_writes_total",
            "container_last_seen", "container_memory_cache", "container_memory_failcnt", "container_memory_failures_total",
            "container_memory_kernel_usage", "container_memory_mapped_file", "container_memory_max_usage_bytes",
            "container_memory_rss", "container_memory_swap", "container_memory_usage_bytes", "container_memory_working_set_bytes",
            "container_network_receive_bytes_total", "container_network_receive_errors_total",
            "container_network_receive_packets_dropped_total", "container_network_receive_packets_total",
            "container_network_transmit_bytes_total", "container_network_transmit_errors_total",
            "container_network_transmit_packets_dropped_total", "container_network_transmit_packets_total",
            "container_oom_events_total", "container_processes", "container_sockets", "container_spec_cpu_period",
            "container_spec_cpu_shares", "container_spec_memory_limit_bytes", "container_spec_memory_swap_limit_bytes",
            "container_start_time_seconds", "container_threads", "container_threads_max");

    @Test
    void everyMetricCritestExpectsIsThereWithPlausibleValues(TestNetwork network) {
        long before = System.currentTimeMillis() / 1000;
        Api.PodSandboxConfig pod = podConfig("critest-metrics", true);
        String podId = runPod(pod);
        boolean blockIoCounted = countBlockIo(pod.getLinux().getCgroupParent());
        Api.ContainerConfig.Builder config = Containers.config("fds", image, "sh", "-c",
                "exec 3</etc/passwd 4</etc/group 5</bin/sh 6</etc/hostname 7</etc/hosts; nc -l -p 7777 >/dev/null & "
                        + "dd if=/dev/zero of=/direct bs=64k count=16 oflag=direct; dd if=/direct of=/dev/null bs=64k iflag=direct; "
                        + "mkdir -p /d && for i in $(seq 1 10); do echo hi >> /d/f$i; done; touch /ready; sleep 600");
        config.getLinuxBuilder().setResources(Api.LinuxContainerResources.newBuilder().setCpuPeriod(100_000)
                .setCpuQuota(20_000).setCpuShares(512).setMemoryLimitInBytes(64 * MIB).setMemorySwapLimitInBytes(64 * MIB));
        String id = Containers.run(cri, podId, pod, config.build());
        Deadline.await("the container ready", Duration.ofSeconds(30),
                () -> Containers.exec(cri, id, 10, "test", "-e", "/ready").getExitCode() == 0);
        long started = System.currentTimeMillis() / 1000;

        Map<String, Api.MetricDescriptor> described = cri.runtime().listMetricDescriptors(
                Api.ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList().stream()
                .collect(Collectors.toMap(Api.MetricDescriptor::getName, Function.identity()));
        List<String> undescribed = CRITEST_NAMES.stream().filter(n -> !described.containsKey(n)).toList();
        assertEquals(List.of(), undescribed, "described");

        // the listening socket appears once nc runs; the writable layer is measured in the background
        List<Map<String, Api.Metric>> last = new ArrayList<>(List.of(Map.of()));
        Map<String, Api.Metric> c;
        try {
            c = Deadline.await("a socket and the layer measured", Duration.ofSeconds(30), () -> {
                Map<String, Api.Metric> m = containerMetrics(podId, id);
                last.set(0, m);
                return m.containsKey("container_sockets") && m.get("container_sockets").getValue().getValue() >= 1
                        && m.containsKey("container_fs_usage_bytes") ? m : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last: " + last.getFirst().values(), e);
        }
        long after = System.currentTimeMillis() / 1000;
        Api.PodSandboxMetrics podMetrics = metricsOf(podId);
        Set<String> present = new HashSet<>();
        podMetrics.getMetricsList().forEach(m -> present.add(m.getName()));
        podMetrics.getContainerMetricsList().forEach(x -> x.getMetricsList().forEach(m -> present.add(m.getName())));
        assertEquals(List.of(), CRITEST_NAMES.stream().filter(n -> !present.contains(n))
                .filter(n -> blockIoCounted || !BLOCK_IO_NAMES.contains(n)).toList(), "missing from the pod's metrics");
        for (Api.Metric m : podMetrics.getContainerMetrics(0).getMetricsList()) {
            assertEquals(described.get(m.getName()).getLabelKeysCount(), m.getLabelValuesCount(), m.getName());
        }

        assertTrue(value(c, "container_file_descriptors") >= 5 + 3, "five files and stdio: " + value(c, "container_file_descriptors"));
        assertTrue(value(c, "container_sockets") >= 1);
        assertTrue(value(c, "container_threads") >= value(c, "container_processes"), "a process is at least one thread");
        assertTrue(value(c, "container_processes") >= 2, "sh, nc and sleep");
        long start = value(c, "container_start_time_seconds");
        assertTrue(start >= before && start <= started, before + " <= " + start + " <= " + started);
        long seen = value(c, "container_last_seen");
        assertTrue(seen >= started && seen <= after, started + " <= " + seen + " <= " + after);
        assertEquals(100_000, value(c, "container_spec_cpu_period"));
        assertEquals(512, value(c, "container_spec_cpu_shares"));
        assertEquals(64 * MIB, value(c, "container_spec_memory_limit_bytes"));
        assertEquals(64 * MIB, value(c, "container_spec_memory_swap_limit_bytes"), "memory+swap, as CRI and v1 memsw say");
        assertTrue(value(c, "container_memory_max_usage_bytes") >= value(c, "container_memory_usage_bytes"));
        assertEquals(0, value(c, "container_oom_events_total"));
        assertTrue(value(c, "container_fs_inodes_total") >= value(c, "container_fs_inodes_free"));
        assertTrue(value(c, "container_fs_limit_bytes") > value(c, "container_fs_usage_bytes"));
        if (blockIoCounted) {
            assertTrue(value(c, "container_fs_writes_bytes_total") >= 1 * MIB, "1 MiB written past the page cache: "
                    + value(c, "container_fs_writes_bytes_total"));
            assertTrue(value(c, "container_fs_writes_total") >= 16);
            assertTrue(value(c, "container_fs_reads_bytes_total") >= 1 * MIB, "and read back past it");
            assertTrue(value(c, "container_fs_reads_total") >= 1);
            assertTrue(c.get("container_fs_writes_bytes_total").getLabelValues(2).startsWith("/dev/"),
                    c.get("container_fs_writes_bytes_total").toString());
            assertTrue(value(c, "container_blkio_device_usage_total") >= 1);
        }
    }

    private static final Set<String> BLOCK_IO_NAMES = Set.of("container_blkio_device_usage_total", "container_fs_reads_bytes_total",
            "container_fs_reads_total", "container_fs_writes_bytes_total", "container_fs_writes_total");

    /**
     * Whether the pod's block I/O will be counted. cgroup v2 counts it always (io.stat). cgroup v1
     * on recent kernels (6.x here) keeps blkio.throttle's counters only for cgroups under a
     * throttle rule (their own or an ancestor's): the test then sets one far above any real rate
     * on the pod's cgroup, for the disk holding the test's files, as a node with I/O limits has.
     * Without either (no blkio, a disk that takes no rule) the I/O metrics may be absent, as
     * critest allows.
     */
    private boolean countBlockIo(String podCgroup) {
        Path blkio = Path.of("/sys/fs/cgroup/blkio").resolve(podCgroup.substring(1));
        if (!Files.isDirectory(blkio)) {
            return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        }
        try {
            long dev = (Long) Files.getAttribute(logs, "unix:dev");
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            String rule = major + ":" + minor + " " + (1L << 40);
            Files.writeString(blkio.resolve("blkio.throttle.write_bps_device"), rule);
            Files.writeString(blkio.resolve("blkio.throttle.read_bps_device"), rule);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long value(Map<String, Api.Metric> metrics, String name) {
        Api.Metric m = metrics.get(name);
        assertTrue(m != null, name + " missing");
        return m.getValue().getValue();
    }

    @Test
    void streamCallsReturnWhatTheirUnaryTwinsReturn() {
        Running run = runInOwnPod("stream", true, "streamed", "sleep 600");
        String podId = run.podId();
        String id = run.id();

        Api.ContainerStatsFilter cf = Api.ContainerStatsFilter.newBuilder().setPodSandboxId(podId).build();
        List<Api.ContainerStats> unaryContainers = cri.runtime().listContainerStats(
                Api.ListContainerStatsRequest.newBuilder().setFilter(cf).build()).getStatsList();
        List<Api.ContainerStats> streamedContainers = new ArrayList<>();
        cri.runtime().streamContainerStats(Api.StreamContainerStatsRequest.newBuilder().setFilter(cf).build())
                .forEachRemaining(r -> streamedContainers.addAll(r.getContainerStatsList()));
        assertEquals(List.of(id), unaryContainers.stream().map(s -> s.getAttributes().getId()).toList());
        assertEquals(unaryContainers.stream().map(Api.ContainerStats::getAttributes).toList(),
                streamedContainers.stream().map(Api.ContainerStats::getAttributes).toList());

        Api.PodSandboxStatsFilter pf = Api.PodSandboxStatsFilter.newBuilder().setId(podId).build();
        List<Api.PodSandboxStats> unaryPods = cri.runtime().listPodSandboxStats(
                Api.ListPodSandboxStatsRequest.newBuilder().setFilter(pf).build()).getStatsList();
        List<Api.PodSandboxStats> streamedPods = new ArrayList<>();
        cri.runtime().streamPodSandboxStats(Api.StreamPodSandboxStatsRequest.newBuilder().setFilter(pf).build())
                .forEachRemaining(r -> streamedPods.addAll(r.getPodSandboxStatsList()));
        assertEquals(unaryPods.stream().map(Api.PodSandboxStats::getAttributes).toList(),
                streamedPods.stream().map(Api.PodSandboxStats::getAttributes).toList());
        assertEquals(1, streamedPods.size());
        assertEquals(List.of(id), streamedPods.getFirst().getLinux().getContainersList().stream()
                .map(c -> c.getAttributes().getId()).toList());

        Set<String> unaryMetricPods = cri.runtime().listPodSandboxMetrics(Api.ListPodSandboxMetricsRequest.getDefaultInstance())
                .getPodMetricsList().stream().map(Api.PodSandboxMetrics::getPodSandboxId).collect(Collectors.toSet());
        Set<String> streamedMetricPods = new HashSet<>();
        Map<String, Set<String>> streamedNames = new java.util.HashMap<>();
        Iterator<Api.StreamPodSandboxMetricsResponse> pages = cri.runtime().streamPodSandboxMetrics(
                Api.StreamPodSandboxMetricsRequest.getDefaultInstance());
        pages.forEachRemaining(r -> r.getPodSandboxMetricsList().forEach(m -> {
            streamedMetricPods.add(m.getPodSandboxId());
            streamedNames.put(m.getPodSandboxId(), m.getMetricsList().stream().map(Api.Metric::getName).collect(Collectors.toSet()));
        }));
        assertTrue(streamedMetricPods.contains(podId));
        assertEquals(podMetrics(podId).values().stream().map(Api.Metric::getName).collect(Collectors.toSet()),
                streamedNames.get(podId));
        // other tests' pods may come and go between the two calls: compare only this test's pod
        assertEquals(unaryMetricPods.contains(podId), streamedMetricPods.contains(podId));
    }

    private List<String> podIds(Api.PodSandboxStatsFilter filter) {
        return cri.runtime().listPodSandboxStats(Api.ListPodSandboxStatsRequest.newBuilder().setFilter(filter).build())
                .getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
    }

    private List<String> containerIds(Api.ContainerStatsFilter filter) {
        return cri.runtime().listContainerStats(Api.ListContainerStatsRequest.newBuilder().setFilter(filter).build())
                .getStatsList().stream().map(s -> s.getAttributes().getId()).toList();
    }

    private Api.PodSandboxMetrics metricsOf(String podId) {
        return cri.runtime().listPodSandboxMetrics(Api.ListPodSandboxMetricsRequest.getDefaultInstance()).getPodMetricsList()
                .stream().filter(m -> m.getPodSandboxId().equals(podId)).findFirst()
                .orElseThrow(() -> new AssertionError("no metrics for pod " + podId));
    }

    /** The pod's own series by name, and by name/interface for the per-interface ones. */
    private Map<String, Api.Metric> podMetrics(String podId) {
        return byName(metricsOf(podId).getMetricsList());
    }

    private Map<String, Api.Metric> containerMetrics(String podId, String containerId) {
        return byName(metricsOf(podId).getContainerMetricsList().stream().filter(c -> c.getContainerId().equals(containerId))
                .findFirst().orElseThrow().getMetricsList());
    }

    private static Map<String, Api.Metric> byName(List<Api.Metric> metrics) {
        Map<String, Api.Metric> out = new java.util.HashMap<>();
        for (Api.Metric m : metrics) {
            String key = m.getName().startsWith("container_network_") ? m.getName() + "/" + m.getLabelValues(2) : m.getName();
            out.putIfAbsent(key, m);
        }
        return out;
    }
}
