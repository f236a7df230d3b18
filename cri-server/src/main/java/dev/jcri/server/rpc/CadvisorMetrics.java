package dev.jcri.server.rpc;

import dev.jcri.linux.BlockDevices;
import dev.jcri.linux.FileSystemSpace;
import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ResizedResources;
import dev.jcri.sandbox.stats.ContainerReading;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import dev.jcri.sandbox.stats.PodReading;
import dev.jcri.sandbox.stats.ProcessCounts;
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
 * <p>Values come from the same readings as the stats calls, plus what only the metrics read
 * ({@code StatsCollector.metrics}): the cgroup's detail counters (fail count, peak, kernel and
 * mapped memory, OOM kills, user/system time and throttling on v1), block I/O per device (as
 * {@code /dev/NAME}, bytes and operations; {@code container_blkio_device_usage_total} with the
 * operations {@code Read} and {@code Write}), the processes' open descriptors and sockets (a capped
 * walk: lower bounds past the cap), and the writable layers' file system size and inodes. The
 * record gives start time (started, else created) and the spec gauges; {@code container_last_seen}
 * is the reading's time. A counter that could not be read is not sent. CRI metric values are unsigned integers, so the {@code _seconds_total} counters are
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

    static final Desc MEMORY_FAILCNT = desc("container_memory_failcnt", "Number of memory usage hits limits", COUNTER);
    static final Desc MEMORY_MAX_USAGE = desc("container_memory_max_usage_bytes", "Maximum memory usage recorded in bytes",
            GAUGE);
    static final Desc MEMORY_KERNEL = desc("container_memory_kernel_usage", "Size of kernel memory allocated in bytes.", GAUGE);
    static final Desc MEMORY_MAPPED_FILE = desc("container_memory_mapped_file", "Size of memory mapped files in bytes.", GAUGE);
    static final Desc OOM_EVENTS = desc("container_oom_events_total", "Count of out of memory events observed for the container",
            COUNTER);
    static final Desc SWAP_LIMIT = desc("container_spec_memory_swap_limit_bytes", "Memory swap limit for the container.", GAUGE);
    static final Desc CPU_PERIOD = desc("container_spec_cpu_period", "CPU period of the container.", GAUGE);
    static final Desc CPU_SHARES = desc("container_spec_cpu_shares", "CPU share of the container.", GAUGE);
    static final Desc START_TIME = desc("container_start_time_seconds", "Start time of the container since unix epoch in seconds.",
            GAUGE);
    static final Desc LAST_SEEN = desc("container_last_seen", "Last time a container was seen by the exporter", GAUGE);
    static final Desc THREADS = desc("container_threads", "Number of threads running inside the container", GAUGE);
    static final Desc FILE_DESCRIPTORS = desc("container_file_descriptors",
            "Number of open file descriptors for the container.", GAUGE);
    static final Desc SOCKETS = desc("container_sockets", "Number of open sockets for the container.", GAUGE);
    static final Desc FS_INODES_FREE = desc("container_fs_inodes_free", "Number of available Inodes", GAUGE, "device");
    static final Desc FS_INODES_TOTAL = desc("container_fs_inodes_total", "Number of Inodes", GAUGE, "device");
    static final Desc FS_LIMIT = desc("container_fs_limit_bytes",
            "Number of bytes that can be consumed by the container on this filesystem.", GAUGE, "device");
    static final Desc FS_READ_BYTES = desc("container_fs_reads_bytes_total", "Cumulative count of bytes read", COUNTER, "device");
    static final Desc FS_READS = desc("container_fs_reads_total", "Cumulative count of reads completed", COUNTER, "device");
    static final Desc FS_WRITE_BYTES = desc("container_fs_writes_bytes_total", "Cumulative count of bytes written", COUNTER,
            "device");
    static final Desc FS_WRITES = desc("container_fs_writes_total", "Cumulative count of writes completed", COUNTER, "device");
    static final Desc BLKIO_DEVICE_USAGE = desc("container_blkio_device_usage_total", "Blkio Device bytes usage", COUNTER,
            "device", "major", "minor", "operation");

    static final List<Desc> ALL = List.of(CPU_USAGE, CPU_USER, CPU_SYSTEM, CFS_PERIODS, CFS_THROTTLED_PERIODS,
            CFS_THROTTLED_SECONDS, MEMORY_USAGE, MEMORY_WORKING_SET, MEMORY_RSS, MEMORY_CACHE, MEMORY_SWAP,
            MEMORY_INACTIVE_FILE, MEMORY_FAILURES, MEMORY_LIMIT, MEMORY_FAILCNT, MEMORY_MAX_USAGE, MEMORY_KERNEL,
            MEMORY_MAPPED_FILE, OOM_EVENTS, SWAP_LIMIT, CPU_PERIOD, CPU_SHARES, START_TIME, LAST_SEEN, PROCESSES, THREADS,
            THREADS_MAX, FILE_DESCRIPTORS, SOCKETS, FS_USAGE, FS_INODES_FREE, FS_INODES_TOTAL, FS_LIMIT, FS_READ_BYTES,
            FS_READS, FS_WRITE_BYTES, FS_WRITES, BLKIO_DEVICE_USAGE,
            RX_BYTES, RX_PACKETS, RX_DROPPED, RX_ERRORS, TX_BYTES, TX_PACKETS, TX_DROPPED, TX_ERRORS);

    /** The kernel's CFS period when none is set (cpu.cfs_period_us, cpu.max): 100 ms. */
    static final long DEFAULT_CPU_PERIOD_MICROS = 100_000;
    /** The share a cgroup has when none is set (v1 cpu.shares' default, CRI's "unset"). */
    static final long DEFAULT_CPU_SHARES = 1024;

    static List<Api.MetricDescriptor> descriptors() {
        return ALL.stream().map(Desc::descriptor).toList();
    }

    /** A pod's metrics: its own series (cgroup, network) and each container's. */
    static Api.PodSandboxMetrics pod(PodReading r, Path writableLayerMountpoint) {
        Series pod = new Series(r.pod().id(), r.pod().name(), r.timestampNanos());
        pod.cgroup(r.cgroup(), null);
        pod.seen(r.pod().createdAtNanos());
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
        series.cgroup(c.cgroup(), c.processes());
        ContainerRecord record = c.container();
        series.seen(record.startedAtNanos() > 0 ? record.startedAtNanos() : record.createdAtNanos());
        series.spec(ResizedResources.current(record, ContainerManager.config(record)), c.cgroup().memory());
        String device = writableLayerMountpoint.toString();
        if (c.writableLayer() != null) {
            series.addAt(c.writableLayer().atEpochNanos(), FS_USAGE, c.writableLayer().usage().bytes(), device);
        }
        if (c.writableLayerSpace() != null) {
            FileSystemSpace space = c.writableLayerSpace();
            series.add(FS_LIMIT, space.totalBytes(), device);
            series.add(FS_INODES_TOTAL, space.inodes(), device);
            series.add(FS_INODES_FREE, space.freeInodes(), device);
        }
        if (c.processes() != null) {
            series.add(FILE_DESCRIPTORS, c.processes().descriptors());
            series.add(SOCKETS, c.processes().sockets());
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

        /** The cgroup's series; {@code processes}, when walked, gives the process count (pids.current counts threads). */
        void cgroup(CgroupStats c, ProcessCounts processes) {
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
                if (m.detail() != null) {
                    CgroupStats.MemoryDetail d = m.detail();
                    add(MEMORY_FAILCNT, d.failCount());
                    add(MEMORY_MAX_USAGE, d.maxUsageBytes());
                    add(MEMORY_KERNEL, d.kernelBytes());
                    add(MEMORY_MAPPED_FILE, d.mappedFileBytes());
                    add(OOM_EVENTS, d.oomKills());
                }
            }
            if (processes != null) {
                add(PROCESSES, processes.processes());
            } else if (c.pids() != null) {
                add(PROCESSES, c.pids().current());
            }
            if (c.pids() != null) {
                add(THREADS, c.pids().current());
                add(THREADS_MAX, unlimitedAsZero(c.pids().limit()));
            }
            if (c.io() != null) {
                c.io().devices().forEach(this::blockDevice);
            }
        }

        /** One device's I/O, named as /dev/NAME (empty when sysfs does not know the number). */
        private void blockDevice(CgroupStats.IoDevice d) {
            String device = BlockDevices.devicePath(BlockDevices.SYS, d.major(), d.minor()).orElse("");
            add(FS_READ_BYTES, d.readBytes(), device);
            add(FS_READS, d.reads(), device);
            add(FS_WRITE_BYTES, d.writeBytes(), device);
            add(FS_WRITES, d.writes(), device);
            String major = Integer.toString(d.major());
            String minor = Integer.toString(d.minor());
            add(BLKIO_DEVICE_USAGE, d.readBytes(), device, major, minor, "Read");
            add(BLKIO_DEVICE_USAGE, d.writeBytes(), device, major, minor, "Write");
        }

        /** When the object started ({@code startedAtNanos}), and that this reading saw it. */
        void seen(long startedAtNanos) {
            add(START_TIME, startedAtNanos > 0 ? startedAtNanos / SECOND : CgroupStats.UNKNOWN);
            add(LAST_SEEN, timestampNanos / SECOND);
        }

        /**
         * The limits in force: CPU period and shares from the container's resources (the last
         * resize's, else the create-time ones; unset means the kernel's default), and the
         * memory+swap limit as the cgroup has it (v1 memsw, v2 memory.max plus memory.swap.max):
         * hierarchical, and 0 (no limit) where the kernel does not account swap.
         */
        void spec(Api.LinuxContainerResources resources, CgroupStats.Memory memory) {
            add(CPU_PERIOD, resources.getCpuPeriod() > 0 ? resources.getCpuPeriod() : DEFAULT_CPU_PERIOD_MICROS);
            add(CPU_SHARES, resources.getCpuShares() > 0 ? resources.getCpuShares() : DEFAULT_CPU_SHARES);
            if (memory != null) {
                add(SWAP_LIMIT, memoryAndSwapLimit(memory));
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

    /** Memory plus swap allowed, 0 for no limit (either part unlimited, or swap not accounted), UNKNOWN without a memory reading. */
    static long memoryAndSwapLimit(CgroupStats.Memory m) {
        long memory = m.limitBytes();
        long swap = m.swapLimitBytes();
        if (memory == CgroupStats.UNKNOWN) {
            return CgroupStats.UNKNOWN;
        }
        if (memory == CgroupStats.UNLIMITED || swap == CgroupStats.UNLIMITED || swap == CgroupStats.UNKNOWN) {
            return 0;
        }
        return memory + swap;
    }

    private static long seconds(long nanos) {
        return nanos < 0 ? nanos : nanos / SECOND;
    }

    /** cAdvisor reports "no limit" as 0 for the spec gauges. */
    private static long unlimitedAsZero(long limit) {
        return limit == CgroupStats.UNLIMITED ? 0 : limit;
    }
}
