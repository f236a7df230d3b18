package dev.jcri.server.rpc;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.stats.ContainerReading;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import dev.jcri.sandbox.stats.PodReading;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import runtime.v1.Api;

/**
 * The cAdvisor-compatible metrics kubelet serves on /metrics/cadvisor when it takes them from the
 * runtime (ListMetricDescriptors, ListPodSandboxMetrics): cAdvisor's names, help texts and types,
 * with the label keys containerd uses ({@code id}, {@code name}, plus {@code interface},
 * {@code device}, {@code failure_type}/{@code scope} where cAdvisor has them); kubelet appends
 * {@code namespace}, {@code pod} and {@code container} itself.
 *
 * <p>Values come from the same readings as the stats calls. A counter that could not be read is
 * not sent. CRI metric values are unsigned integers, so the {@code _seconds_total} counters are
 * whole seconds (truncated, as CRI-O sends them). Pod-level series (the pod's cgroup and its
 * network, as cAdvisor's pod cgroup and infra container give them) carry the pod's ID and name.
 */
final class CadvisorMetrics {

    private CadvisorMetrics() {}

    /** One metric: what ListMetricDescriptors says of it, and its Prometheus type. */
    record Desc(String name, String help, Api.MetricType type, List<String> labelKeys) {

        Api.MetricDescriptor descriptor() {
            return Api.MetricDescriptor.newBuilder().setName(name).setHelp(help).addAllLabelKeys(labelKeys).build();
        }
    }

    private static final Api.MetricType COUNTER = Api.MetricType.COUNTER;
    private static final Api.MetricType GAUGE = Api.MetricType.GAUGE;
    private static final List<String> BASE = List.of("id", "name");
    private static final long SECOND = 1_000_000_000L;

    static final Desc CPU_USAGE = desc("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", COUNTER);
    static final Desc CPU_USER = desc("container_cpu_user_seconds_total", "Cumulative user cpu time consumed in seconds.", COUNTER);
    static final Desc CPU_SYSTEM = desc("container_cpu_system_seconds_total", "Cumulative system cpu time consumed in seconds.", COUNTER);
    static final Desc CFS_PERIODS = desc("container_cpu_cfs_periods_total", "Number of elapsed enforcement period intervals.", COUNTER);
    static final Desc CFS_THROTTLED_PERIODS = desc("container_cpu_cfs_throttled_periods_total",
            "Number of throttled period intervals.", COUNTER);
    static final Desc CFS_THROTTLED_SECONDS = desc("container_cpu_cfs_throttled_seconds_total",
            "Total time duration the container has been throttled.", COUNTER);
    static final Desc MEMORY_USAGE = desc("container_memory_usage_bytes",
            "Current memory usage in bytes, including all memory regardless of when it was accessed", GAUGE);
    static final Desc MEMORY_WORKING_SET = desc("container_memory_working_set_bytes", "Current working set in bytes.", GAUGE);
    static final Desc MEMORY_RSS = desc("container_memory_rss", "Size of RSS in bytes.", GAUGE);
    static final Desc MEMORY_CACHE = desc("container_memory_cache", "Number of bytes of page cache memory.", GAUGE);
    static final Desc MEMORY_SWAP = desc("container_memory_swap", "Container swap usage in bytes.", GAUGE);
    static final Desc MEMORY_INACTIVE_FILE = desc("container_memory_total_inactive_file_bytes",
            "Current total inactive cache memory in file, in bytes.", GAUGE);
    static final Desc MEMORY_FAILURES = desc("container_memory_failures_total", "Cumulative count of memory allocation failures.",
            COUNTER, "failure_type", "scope");
    static final Desc MEMORY_LIMIT = desc("container_spec_memory_limit_bytes", "Memory limit for the container.", GAUGE);
    static final Desc PROCESSES = desc("container_processes", "Number of processes running inside the container.", GAUGE);
    static final Desc THREADS_MAX = desc("container_threads_max",
            "Maximum number of threads allowed inside the container, infinity if value is zero", GAUGE);
    static final Desc FS_USAGE = desc("container_fs_usage_bytes",
            "Number of bytes that are consumed by the container on this filesystem.", GAUGE, "device");
    static final Desc RX_BYTES = desc("container_network_receive_bytes_total", "Cumulative count of bytes received", COUNTER,
            "interface");
    static final Desc RX_PACKETS = desc("container_network_receive_packets_total", "Cumulative count of packets received",
            COUNTER, "interface");
    static final Desc RX_DROPPED = desc("container_network_receive_packets_dropped_total",
            "Cumulative count of packets dropped while receiving", COUNTER, "interface");
    static final Desc RX_ERRORS = desc("container_network_receive_errors_total",
            "Cumulative count of errors encountered while receiving", COUNTER, "interface");
    static final Desc TX_BYTES = desc("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted",
            COUNTER, "interface");
    static final Desc TX_PACKETS = desc("container_network_transmit_packets_total", "Cumulative count of packets transmitted",
            COUNTER, "interface");
    static final Desc TX_DROPPED = desc("container_network_transmit_packets_dropped_total",
            "Cumulative count of packets dropped while transmitting", COUNTER, "interface");
    static final Desc TX_ERRORS = desc("container_network_transmit_errors_total",
            "Cumulative count of errors encountered while transmitting", COUNTER, "interface");

    static final List<Desc> ALL = List.of(CPU_USAGE, CPU_USER, CPU_SYSTEM, CFS_PERIODS, CFS_THROTTLED_PERIODS,
            CFS_THROTTLED_SECONDS, MEMORY_USAGE, MEMORY_WORKING_SET, MEMORY_RSS, MEMORY_CACHE, MEMORY_SWAP,
            MEMORY_INACTIVE_FILE, MEMORY_FAILURES, MEMORY_LIMIT, PROCESSES, THREADS_MAX, FS_USAGE,
            RX_BYTES, RX_PACKETS, RX_DROPPED, RX_ERRORS, TX_BYTES, TX_PACKETS, TX_DROPPED, TX_ERRORS);

    static List<Api.MetricDescriptor> descriptors() {
        return ALL.stream().map(Desc::descriptor).toList();
    }

    /** A pod's metrics: its own series (cgroup, network) and each container's. */
    static Api.PodSandboxMetrics pod(PodReading r, Path writableLayerMountpoint) {
        Series pod = new Series(r.pod().id(), r.pod().name(), r.timestampNanos());
        pod.cgroup(r.cgroup());
        if (r.network() != null) {
            pod.network(r.network());
        }
        Api.PodSandboxMetrics.Builder metrics = Api.PodSandboxMetrics.newBuilder().setPodSandboxId(r.pod().id())
                .addAllMetrics(pod.metrics);
        for (ContainerReading c : r.containers()) {
            metrics.addContainerMetrics(Api.ContainerMetrics.newBuilder().setContainerId(c.container().id())
                    .addAllMetrics(container(c, writableLayerMountpoint)));
        }
        return metrics.build();
    }

    static List<Api.Metric> container(ContainerReading c, Path writableLayerMountpoint) {
        String name = ContainerManager.config(c.container()).getMetadata().getName();
        Series series = new Series(c.container().id(), name, c.timestampNanos());
        series.cgroup(c.cgroup());
        if (c.writableLayer() != null) {
            String device = writableLayerMountpoint.toString();
            series.addAt(c.writableLayer().atEpochNanos(), FS_USAGE, c.writableLayer().usage().bytes(), device);
        }
        return series.metrics;
    }

    private static Desc desc(String name, String help, Api.MetricType type, String... extraKeys) {
        List<String> keys = new ArrayList<>(BASE);
        keys.addAll(List.of(extraKeys));
        return new Desc(name, help, type, List.copyOf(keys));
    }

    /** The metrics of one object (a container, or a pod's own series), all stamped with its reading's time. */
    private static final class Series {
        private final String id;
        private final String name;
        private final long timestampNanos;
        private final List<Api.Metric> metrics = new ArrayList<>();

        Series(String id, String name, long timestampNanos) {
            this.id = id;
            this.name = name;
            this.timestampNanos = timestampNanos;
        }

        void cgroup(CgroupStats c) {
            if (c.cpu() != null) {
                CgroupStats.Cpu cpu = c.cpu();
                add(CPU_USAGE, seconds(cpu.usageNanos()));
                add(CPU_USER, seconds(cpu.userNanos()));
                add(CPU_SYSTEM, seconds(cpu.systemNanos()));
                add(CFS_PERIODS, cpu.periods());
                add(CFS_THROTTLED_PERIODS, cpu.throttledPeriods());
                add(CFS_THROTTLED_SECONDS, seconds(cpu.throttledNanos()));
            }
            if (c.memory() != null) {
                CgroupStats.Memory m = c.memory();
                add(MEMORY_USAGE, m.usageBytes());
                add(MEMORY_WORKING_SET, m.workingSetBytes());
                add(MEMORY_RSS, m.rssBytes());
                add(MEMORY_CACHE, m.cacheBytes());
                add(MEMORY_SWAP, m.swapUsageBytes());
                add(MEMORY_INACTIVE_FILE, m.inactiveFileBytes());
                add(MEMORY_FAILURES, m.pageFaults(), "pgfault", "hierarchy");
                add(MEMORY_FAILURES, m.majorPageFaults(), "pgmajfault", "hierarchy");
                add(MEMORY_LIMIT, unlimitedAsZero(m.limitBytes()));
            }
            if (c.pids() != null) {
                add(PROCESSES, c.pids().current());
                add(THREADS_MAX, unlimitedAsZero(c.pids().limit()));
            }
        }

        void network(NetworkReading n) {
            for (InterfaceCounters i : n.interfaces()) {
                addAt(n.timestampNanos(), RX_BYTES, i.rxBytes(), i.name());
                addAt(n.timestampNanos(), RX_PACKETS, i.rxPackets(), i.name());
                addAt(n.timestampNanos(), RX_DROPPED, i.rxDropped(), i.name());
                addAt(n.timestampNanos(), RX_ERRORS, i.rxErrors(), i.name());
                addAt(n.timestampNanos(), TX_BYTES, i.txBytes(), i.name());
                addAt(n.timestampNanos(), TX_PACKETS, i.txPackets(), i.name());
                addAt(n.timestampNanos(), TX_DROPPED, i.txDropped(), i.name());
                addAt(n.timestampNanos(), TX_ERRORS, i.txErrors(), i.name());
            }
        }

        void add(Desc desc, long value, String... extraLabels) {
            addAt(timestampNanos, desc, value, extraLabels);
        }

        /** Leaves out an unknown value; the labels must match the descriptor's keys (a programming error otherwise). */
        void addAt(long at, Desc desc, long value, String... extraLabels) {
            if (value < 0) {
                return;
            }
            if (BASE.size() + extraLabels.length != desc.labelKeys().size()) {
                throw new IllegalStateException(desc.name() + " takes labels " + desc.labelKeys());
            }
            metrics.add(Api.Metric.newBuilder().setName(desc.name()).setTimestamp(at).setMetricType(desc.type())
                    .addLabelValues(id).addLabelValues(name).addAllLabelValues(List.of(extraLabels))
                    .setValue(StatsMessages.value(value)).build());
        }
    }

    private static long seconds(long nanos) {
        return nanos < 0 ? nanos : nanos / SECOND;
    }

    /** cAdvisor reports "no limit" as 0 for the spec gauges. */
    private static long unlimitedAsZero(long limit) {
        return limit == CgroupStats.UNLIMITED ? 0 : limit;
    }
}
