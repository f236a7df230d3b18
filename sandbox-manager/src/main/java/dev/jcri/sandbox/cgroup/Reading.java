package dev.jcri.sandbox.cgroup;

/**
 * What a caller asks of a cgroup's reading. Every interface file costs an open and a read, tens of
 * microseconds each under load, and kubelet asks for every container every few seconds: so a
 * reading opens only the files of what was asked, each once. CPU, MEMORY, PIDS, HUGETLB, IO and
 * CPUSET are served by the controller classes of the node's version (v1 cpuacct and v2 cpu are
 * both CPU; v1 blkio and v2 io are both IO); SWAP and PRESSURE add files to the memory, CPU and
 * I/O readings.
 */
public enum Reading {
    /** CPU time used (v1: cpuacct.usage alone; v2: cpu.stat, with user/system time and throttling in the same file). */
    CPU,
    /** Memory usage, limit, anonymous and cache memory, page faults (v1: memory.usage_in_bytes and memory.stat). */
    MEMORY,
    /** Swap usage and limit, beside the memory reading (v1: memsw; v2: memory.swap.*). */
    SWAP,
    /** Pressure stall information of the CPU, MEMORY and IO readings asked with it (v2 only: v1 has none per cgroup). */
    PRESSURE,
    /** Tasks and their limit. */
    PIDS,
    /** Huge page usage and limits, per page size. */
    HUGETLB,
    /** Block I/O bytes and operations per device. */
    IO,
    /** The CPUs and memory nodes in effect. */
    CPUSET,
    /**
     * Beside the CPU and MEMORY readings, what only cAdvisor's metrics carry: v1 user/system time
     * (cpuacct.usage_user, .usage_sys) and throttling (cpu.stat), which v2's cpu.stat has anyway;
     * the memory fail count, peak, kernel memory and OOM kills ({@link CgroupStats.MemoryDetail}).
     */
    DETAIL
}
