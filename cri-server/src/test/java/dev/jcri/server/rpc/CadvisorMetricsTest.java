package dev.jcri.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.jcri.linux.FileSystemSpace;
import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.stats.ContainerReading;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import dev.jcri.sandbox.stats.PodReading;
import dev.jcri.sandbox.stats.ProcessCounts;
import dev.jcri.snapshot.LayerStore;
import dev.jcri.snapshot.MeasuredUsage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** Every metric sent is described, with as many label values as its descriptor has keys, and cAdvisor's units. */
class CadvisorMetricsTest {

    @Test
    void descriptorsAreUniqueAndUseCadvisorNamesAndContainerdLabelKeys() {
        List<Api.MetricDescriptor> all = CadvisorMetrics.descriptors();
        assertEquals(all.size(), all.stream().map(Api.MetricDescriptor::getName).distinct().count());
        for (Api.MetricDescriptor d : all) {
            assertTrue(d.getName().startsWith("container_"), d.getName());
            assertEquals(List.of("id", "name"), d.getLabelKeysList().subList(0, 2), d.getName());
            assertTrue(!d.getHelp().isBlank(), d.getName());
            assertTrue(!d.getLabelKeysList().contains("pod") && !d.getLabelKeysList().contains("namespace")
                    && !d.getLabelKeysList().contains("container"), "kubelet appends those itself: " + d.getName());
        }
    }

    @Test
    void aFullReadingGivesConsistentMetrics() {
        CgroupStats cgroup = new CgroupStats(
                new CgroupStats.Cpu(3_700_000_000L, 2_000_000_000L, 1_000_000_000L, 10, 2, 1_500_000_000L, null),
                new CgroupStats.Memory(10 << 20, 64 << 20, 6 << 20, 4 << 20, 1 << 20, 100, 3, 0, 32 << 20, null,
                        new CgroupStats.MemoryDetail(7, 12 << 20, 1 << 20, 2 << 20, 1)),
                new CgroupStats.Pids(4, CgroupStats.UNLIMITED), List.of(),
                new CgroupStats.Io(List.of(new CgroupStats.IoDevice(254, 0, 4096, 8192, 1, 2)), null), null);
        ContainerRecord c = new ContainerRecord("c1", "p1", "web", 0, ContainerState.RUNNING, 10_000_000_000L, 12_500_000_000L, 0, 0, "", "",
                42, "runc", "img", "sha256:x", "img@sha256:y", null, 15, Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("web"))
                .setLinux(Api.LinuxContainerConfig.newBuilder().setResources(Api.LinuxContainerResources.newBuilder()
                        .setCpuPeriod(50_000).setCpuShares(512)))
                .build().toByteArray(), null, null);
        PodRecord pod = new PodRecord("p1", "pod-a", "ns", "uid", 0, PodState.READY, 1, "runc",
                Api.PodSandboxConfig.getDefaultInstance().toByteArray(), List.of("net"), List.of("10.0.0.2"), null);
        ContainerReading cr = new ContainerReading(c, 77_000_000_000L, cgroup, 5,
                new MeasuredUsage(new LayerStore.Usage(8192, 2), 66), new ProcessCounts(2, 9, 3, false),
                new FileSystemSpace(1L << 30, 1L << 29, 1000, 400));
        PodReading pr = new PodReading(pod, 88, cgroup, 5, new NetworkReading(99,
                List.of(new InterfaceCounters("eth0", 1000, 10, 1, 2, 2000, 20, 3, 4))), List.of(cr));

        Api.PodSandboxMetrics m = CadvisorMetrics.pod(pr, Path.of("/var/lib/jcri/snapshots"));
        Map<String, Api.MetricDescriptor> described = CadvisorMetrics.descriptors().stream()
                .collect(Collectors.toMap(Api.MetricDescriptor::getName, Function.identity()));
        List<Api.Metric> everything = new java.util.ArrayList<>(m.getMetricsList());
        m.getContainerMetricsList().forEach(x -> everything.addAll(x.getMetricsList()));
        Set<String> seen = new HashSet<>();
        for (Api.Metric metric : everything) {
            Api.MetricDescriptor d = described.get(metric.getName());
            assertTrue(d != null, metric.getName() + " is not described");
            assertEquals(d.getLabelKeysCount(), metric.getLabelValuesCount(), metric.getName());
            seen.add(metric.getName());
        }
        assertEquals(described.keySet(), seen, "a full reading fills every described metric");

        assertEquals("p1", m.getPodSandboxId());
        assertEquals(List.of("p1", "pod-a", "eth0"), find(m.getMetricsList(), "container_network_receive_bytes_total").getLabelValuesList());
        assertEquals(1000, find(m.getMetricsList(), "container_network_receive_bytes_total").getValue().getValue());
        assertEquals(99, find(m.getMetricsList(), "container_network_transmit_bytes_total").getTimestamp());
        List<Api.Metric> container = m.getContainerMetrics(0).getMetricsList();
        assertEquals("c1", m.getContainerMetrics(0).getContainerId());
        assertEquals(List.of("c1", "web"), find(container, "container_cpu_usage_seconds_total").getLabelValuesList());
        assertEquals(3, find(container, "container_cpu_usage_seconds_total").getValue().getValue(), "whole seconds");
        assertEquals(Api.MetricType.COUNTER, find(container, "container_cpu_usage_seconds_total").getMetricType());
        assertEquals(77_000_000_000L, find(container, "container_cpu_usage_seconds_total").getTimestamp());
        assertEquals(9 << 20, find(container, "container_memory_working_set_bytes").getValue().getValue());
        assertEquals(Api.MetricType.GAUGE, find(container, "container_memory_working_set_bytes").getMetricType());
        assertEquals(2, find(container, "container_processes").getValue().getValue(), "processes walked, not tasks");
        assertEquals(4, find(container, "container_threads").getValue().getValue(), "tasks");
        assertEquals(9, find(container, "container_file_descriptors").getValue().getValue());
        assertEquals(3, find(container, "container_sockets").getValue().getValue());
        assertEquals(64 << 20, find(container, "container_spec_memory_limit_bytes").getValue().getValue());
        assertEquals(96 << 20, find(container, "container_spec_memory_swap_limit_bytes").getValue().getValue(),
                "memory plus swap, as v1's memsw");
        assertEquals(50_000, find(container, "container_spec_cpu_period").getValue().getValue());
        assertEquals(512, find(container, "container_spec_cpu_shares").getValue().getValue());
        assertEquals(12, find(container, "container_start_time_seconds").getValue().getValue(), "started, in whole seconds");
        assertEquals(77, find(container, "container_last_seen").getValue().getValue(), "the reading's second");
        assertEquals(7, find(container, "container_memory_failcnt").getValue().getValue());
        assertEquals(12 << 20, find(container, "container_memory_max_usage_bytes").getValue().getValue());
        assertEquals(1, find(container, "container_oom_events_total").getValue().getValue());
        assertEquals(List.of("c1", "web", "/var/lib/jcri/snapshots"),
                find(container, "container_fs_inodes_free").getLabelValuesList());
        assertEquals(400, find(container, "container_fs_inodes_free").getValue().getValue());
        assertEquals(1000, find(container, "container_fs_inodes_total").getValue().getValue());
        assertEquals(1L << 30, find(container, "container_fs_limit_bytes").getValue().getValue());
        assertEquals(4096, find(container, "container_fs_reads_bytes_total").getValue().getValue());
        assertEquals(2, find(container, "container_fs_writes_total").getValue().getValue());
        List<Api.Metric> blkio = container.stream().filter(x -> x.getName().equals("container_blkio_device_usage_total")).toList();
        assertEquals(List.of("254", "0", "Read"), blkio.get(0).getLabelValuesList().subList(3, 6));
        assertEquals(4096, blkio.get(0).getValue().getValue());
        assertEquals(List.of("254", "0", "Write"), blkio.get(1).getLabelValuesList().subList(3, 6));
        assertEquals(8192, blkio.get(1).getValue().getValue());
        assertEquals(8192, find(container, "container_fs_usage_bytes").getValue().getValue());
        assertEquals(66, find(container, "container_fs_usage_bytes").getTimestamp(), "the measurement's own time");
    }

    @Test
    void unknownCountersAreNotSent() {
        CgroupStats v1 = new CgroupStats(new CgroupStats.Cpu(5, -1, -1, -1, -1, -1, null), null, null, List.of(), null, null);
        ContainerRecord c = new ContainerRecord("c1", "p1", "web", 0, ContainerState.RUNNING, 1, 2, 0, 0, "", "", 42, "runc",
                "img", "x", "y", null, 15, ByteString.EMPTY.toByteArray(), null, null);
        List<Api.Metric> metrics = CadvisorMetrics.container(new ContainerReading(c, 1, v1, -1, null), Path.of("/x"));
        assertEquals(Set.of("container_cpu_usage_seconds_total", "container_start_time_seconds", "container_last_seen",
                "container_spec_cpu_period", "container_spec_cpu_shares"),
                metrics.stream().map(Api.Metric::getName).collect(Collectors.toSet()), "the cgroup gave CPU usage alone");
        assertEquals(100_000, find(metrics, "container_spec_cpu_period").getValue().getValue(), "unset: the kernel's default");
        assertEquals(1024, find(metrics, "container_spec_cpu_shares").getValue().getValue(), "unset: the default share");
    }

    private static Api.Metric find(List<Api.Metric> metrics, String name) {
        return metrics.stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }
}
