package dev.jcri.sandbox.cgroup;

import java.util.List;

/**
 * One reading of a cgroup, per controller. A controller that was not asked for, or none of whose
 * files could be read (not mounted, the cgroup gone), is null; inside a reading, a counter whose
 * file vanished, that the version lacks or that was not asked for ({@link Reading}) is
 * {@link #UNKNOWN}. Values are in bytes and nanoseconds whatever unit the kernel's file uses.
 */
public record CgroupStats(Cpu cpu, Memory memory, Pids pids, List<Hugetlb> hugetlb, Io io, Cpuset cpuset) {

    /** A counter that could not be read. */
    public static final long UNKNOWN = -1;
    /** A limit that is not set ("max", or v1's page-counter maximum). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public CgroupStats {
        hugetlb = hugetlb == null ? List.of() : List.copyOf(hugetlb);
    }

    /**
     * CPU time.
     *
     * @param usageNanos       total CPU time of every task in the cgroup
     * @param periods          enforcement periods that elapsed with a quota set
     * @param throttledPeriods periods in which the cgroup was throttled
     * @param throttledNanos   total time it was throttled
     * @param pressure         cpu.pressure (v2 only), or null
     */
    public record Cpu(long usageNanos, long userNanos, long systemNanos, long periods, long throttledPeriods,
                      long throttledNanos, Pressure pressure) {}

    /**
     * Memory, cache included.
     *
     * @param usageBytes        current usage (page cache included)
     * @param limitBytes        the effective limit (v1: the hierarchical one), or UNLIMITED
     * @param rssBytes          anonymous memory (v1 total_rss, v2 anon)
     * @param cacheBytes        page cache (v1 total_cache, v2 file)
     * @param inactiveFileBytes page cache the kernel would reclaim first
     * @param swapUsageBytes    swap in use (v1: memsw minus memory usage), UNKNOWN without swap accounting
     * @param swapLimitBytes    swap allowed beyond memory (v1: memsw limit minus the memory limit), or UNLIMITED
     * @param pressure          memory.pressure (v2 only), or null
     * @param detail            the counters only metrics need ({@link Reading#DETAIL}), or null when not asked
     */
    public record Memory(long usageBytes, long limitBytes, long rssBytes, long cacheBytes, long inactiveFileBytes,
                         long pageFaults, long majorPageFaults, long swapUsageBytes, long swapLimitBytes,
                         Pressure pressure, MemoryDetail detail) {

        /** A reading without the detail. */
        public Memory(long usageBytes, long limitBytes, long rssBytes, long cacheBytes, long inactiveFileBytes,
                      long pageFaults, long majorPageFaults, long swapUsageBytes, long swapLimitBytes, Pressure pressure) {
            this(usageBytes, limitBytes, rssBytes, cacheBytes, inactiveFileBytes, pageFaults, majorPageFaults,
                    swapUsageBytes, swapLimitBytes, pressure, null);
        }

        /** kubelet's working set: usage minus inactive file cache (what cannot easily be reclaimed). */
        public long workingSetBytes() {
            return usageBytes < 0 ? UNKNOWN : Math.max(0, usageBytes - Math.max(0, inactiveFileBytes));
        }

        /** What the cgroup may still use before its limit (kubelet's available_bytes), UNKNOWN without a limit. */
        public long availableBytes() {
            long workingSet = workingSetBytes();
            return limitBytes < 0 || limitBytes == UNLIMITED || workingSet < 0 ? UNKNOWN : Math.max(0, limitBytes - workingSet);
        }

        /** Swap the cgroup may still use, UNKNOWN without a swap limit or swap accounting. */
        public long swapAvailableBytes() {
            return swapLimitBytes < 0 || swapLimitBytes == UNLIMITED || swapUsageBytes < 0 ? UNKNOWN
                    : Math.max(0, swapLimitBytes - swapUsageBytes);
        }
    }

    /**
     * Memory counters cAdvisor's metrics carry and the CRI's stats do not, each UNKNOWN when the
     * kernel lacks its file or line.
     *
     * @param failCount       how often usage hit the limit (v1 memory.failcnt; v2 memory.events {@code max})
     * @param maxUsageBytes   the highest usage seen (v1 memory.max_usage_in_bytes; v2 memory.peak, kernel 5.19+)
     * @param kernelBytes     kernel memory charged to the cgroup (v1 memory.kmem.usage_in_bytes; v2 memory.stat
     *                        {@code kernel}, or on kernels before 5.18 the sum of its parts)
     * @param mappedFileBytes page cache mapped into processes (v1 memory.stat {@code total_mapped_file}; v2 {@code file_mapped})
     * @param oomKills        processes the OOM killer killed in it (v1 memory.oom_control {@code oom_kill}, kernel 4.13+;
     *                        v2 memory.events {@code oom_kill})
     */
    public record MemoryDetail(long failCount, long maxUsageBytes, long kernelBytes, long mappedFileBytes, long oomKills) {}

    /** Tasks: {@code current} now, {@code limit} the most allowed (UNLIMITED when unset). */
    public record Pids(long current, long limit) {}

    /** One huge page size ("2MB", "1GB"); {@code maxUsageBytes} is v1 only. */
    public record Hugetlb(String pageSize, long usageBytes, long maxUsageBytes, long limitBytes, long failCount) {}

    /** Block I/O per device, and io.pressure (v2 only, or null). */
    public record Io(List<IoDevice> devices, Pressure pressure) {
        public Io {
            devices = List.copyOf(devices);
        }
    }

    /** Bytes and operations per block device (major:minor). */
    public record IoDevice(int major, int minor, long readBytes, long writeBytes, long reads, long writes) {}

    /** The CPUs and memory nodes the cgroup may use in effect (its own, or inherited). */
    public record Cpuset(String cpus, String mems) {}

    /** Pressure stall information: {@code some} task stalled, or {@code full}: all of them (null when absent). */
    public record Pressure(PressureLine some, PressureLine full) {}

    /** Share of wall time stalled, in percent over 10/60/300 s, and the total stall time. */
    public record PressureLine(double avg10, double avg60, double avg300, long totalMicros) {}
}
