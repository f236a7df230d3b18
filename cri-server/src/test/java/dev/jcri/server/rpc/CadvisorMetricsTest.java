package dev.jcri.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.stats.ContainerReading;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import dev.jcri.sandbox.stats.PodReading;
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
                new CgroupStats.Memory(10 << 20, CgroupStats.UNLIMITED, 6 << 20, 4 << 20, 1 << 20, 100, 3, 0, CgroupStats.UNLIMITED, null),
                new CgroupStats.Pids(4, CgroupStats.UNLIMITED), List.of(), null, null);
        ContainerRecord c = new ContainerRecord("c1", "p1", "web", 0, ContainerState.RUNNING, 1, 2, 0, 0, "", "", 42, "runc",
                "img", "sha256:x", "img@sha256:y", null, 15, Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("web")).build().toByteArray(), null, null);
        PodRecord pod = new PodRecord("p1", "pod-a", "ns", "uid", 0, PodState.READY, 1, "runc",
                Api.PodSandboxConfig.getDefaultInstance().toByteArray(), List.of("net"), List.of("10.0.0.2"), null);
        ContainerReading cr = new ContainerReading(c, 77, cgroup, 5, new MeasuredUsage(new LayerStore.Usage(8192, 2), 66));
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
        assertEquals(77, find(container, "container_cpu_usage_seconds_total").getTimestamp());
        assertEquals(9 << 20, find(container, "container_memory_working_set_bytes").getValue().getValue());
        assertEquals(Api.MetricType.GAUGE, find(container, "container_memory_working_set_bytes").getMetricType());
        assertEquals(4, find(container, "container_processes").getValue().getValue());
        assertEquals(0, find(container, "container_spec_memory_limit_bytes").getValue().getValue(), "unlimited is 0, as cAdvisor");
        assertEquals(8192, find(container, "container_fs_usage_bytes").getValue().getValue());
        assertEquals(66, find(container, "container_fs_usage_bytes").getTimestamp(), "the measurement's own time");
    }

    @Test
    void unknownCountersAreNotSent() {
        CgroupStats v1 = new CgroupStats(new CgroupStats.Cpu(5, -1, -1, -1, -1, -1, null), null, null, List.of(), null, null);
        ContainerRecord c = new ContainerRecord("c1", "p1", "web", 0, ContainerState.RUNNING, 1, 2, 0, 0, "", "", 42, "runc",
                "img", "x", "y", null, 15, ByteString.EMPTY.toByteArray(), null, null);
        List<Api.Metric> metrics = CadvisorMetrics.container(new ContainerReading(c, 1, v1, -1, null), Path.of("/x"));
        assertEquals(List.of("container_cpu_usage_seconds_total"), metrics.stream().map(Api.Metric::getName).toList());
    }

    private static Api.Metric find(List<Api.Metric> metrics, String name) {
        return metrics.stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }
}
