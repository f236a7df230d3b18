package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Memory on cgroup v2: memory.max and memory.swap.max (swap alone, where OCI and v1 count memory
 * plus swap); usage from memory.current and memory.stat, swap from memory.swap.current, stalls
 * from memory.pressure.
 */
final class MemoryV2 {

    private MemoryV2() {}

    static void apply(Path dir, CgroupLimits limits) throws IOException {
        Long limit = limits.memoryBytes();
        if (limit != null) {
            CgroupFiles.write(dir.resolve("memory.max"), limit == -1 ? "max" : Long.toString(limit));
        }
        if (limits.memorySwapBytes() != null) {
            CgroupFiles.write(dir.resolve("memory.swap.max"), swapMax(limit, limits.memorySwapBytes()));
        }
    }

    /**
     * OCI's memory+swap as v2's swap-only value, as runc converts it: -1 is no limit, otherwise
     * the swap part, which needs the memory limit beside it.
     */
    static String swapMax(Long memory, long memoryAndSwap) {
        if (memoryAndSwap == -1) {
            return "max";
        }
        if (memory == null || memory < 0) {
            throw new IllegalArgumentException("a memory+swap limit needs a memory limit on cgroup v2");
        }
        if (memoryAndSwap < memory) {
            throw new IllegalArgumentException("the memory+swap limit " + memoryAndSwap + " is below the memory limit " + memory);
        }
        return Long.toString(memoryAndSwap - memory);
    }

    /**
     * memory.current, memory.stat and memory.max; memory.swap.current and .max when swap is
     * asked, memory.pressure when pressure is; null if nothing could be read.
     */
    static CgroupStats.Memory read(Path dir, boolean withSwap, boolean withPressure) {
        return read(dir, withSwap, withPressure, false);
    }

    /** As {@link #read(Path, boolean, boolean)}, with the {@link CgroupStats.MemoryDetail} when {@code withDetail}. */
    static CgroupStats.Memory read(Path dir, boolean withSwap, boolean withPressure, boolean withDetail) {
        long usage = CgroupFiles.number(dir.resolve("memory.current"));
        Map<String, Long> stat = CgroupFiles.flatKeyed(dir.resolve("memory.stat"));
        if (usage == UNKNOWN && stat.isEmpty()) {
            return null;
        }
        return new CgroupStats.Memory(usage, CgroupFiles.number(dir.resolve("memory.max")), stat.getOrDefault("anon", UNKNOWN),
                stat.getOrDefault("file", UNKNOWN), stat.getOrDefault("inactive_file", UNKNOWN),
                stat.getOrDefault("pgfault", UNKNOWN), stat.getOrDefault("pgmajfault", UNKNOWN),
                withSwap ? CgroupFiles.number(dir.resolve("memory.swap.current")) : UNKNOWN,
                withSwap ? CgroupFiles.number(dir.resolve("memory.swap.max")) : UNKNOWN,
                withPressure ? CgroupFiles.pressure(dir.resolve("memory.pressure")) : null,
                withDetail ? detail(dir, stat) : null);
    }

    /** The parts memory.stat's {@code kernel} line sums, for kernels before 5.18 that lack the line. */
    private static final List<String> KERNEL_PARTS = List.of("kernel_stack", "pagetables", "percpu", "sock", "vmalloc", "slab");

    /**
     * memory.events ({@code max}: times usage hit memory.max, v1's failcnt; {@code oom_kill}) and
     * memory.peak; kernel and mapped file memory from memory.stat.
     */
    static CgroupStats.MemoryDetail detail(Path dir, Map<String, Long> stat) {
        Map<String, Long> events = CgroupFiles.flatKeyed(dir.resolve("memory.events"));
        return new CgroupStats.MemoryDetail(events.getOrDefault("max", UNKNOWN), CgroupFiles.number(dir.resolve("memory.peak")),
                kernel(stat), stat.getOrDefault("file_mapped", UNKNOWN), events.getOrDefault("oom_kill", UNKNOWN));
    }

    static long kernel(Map<String, Long> stat) {
        Long kernel = stat.get("kernel");
        if (kernel != null) {
            return kernel;
        }
        List<Long> parts = KERNEL_PARTS.stream().map(stat::get).filter(v -> v != null).toList();
        return parts.isEmpty() ? UNKNOWN : parts.stream().mapToLong(Long::longValue).sum();
    }
}
