package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.CgroupStats.UNLIMITED;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Memory on cgroup v1: memory.limit_in_bytes and, with swap accounting, memory.memsw.limit_in_bytes
 * (memory plus swap); usage from memory.usage_in_bytes and the hierarchical totals of memory.stat.
 */
final class MemoryV1 {

    private MemoryV1() {}

    /**
     * The kernel keeps memsw ≥ memory at every moment, so when both change the one that makes room
     * goes first: memsw first when the new memory limit exceeds the current memsw limit (or lifts
     * the limit), memory first otherwise.
     */
    static void apply(Path dir, CgroupLimits limits) throws IOException {
        Path memory = dir.resolve("memory.limit_in_bytes");
        Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
        Long limit = limits.memoryBytes();
        Long swap = limits.memorySwapBytes();
        if (limit != null && swap != null) {
            boolean memswFirst = memswFirst(limit, CgroupFiles.number(memsw));
            CgroupFiles.write(memswFirst ? memsw : memory, Long.toString(memswFirst ? swap : limit));
            CgroupFiles.write(memswFirst ? memory : memsw, Long.toString(memswFirst ? limit : swap));
        } else if (limit != null) {
            CgroupFiles.write(memory, Long.toString(limit));
        } else if (swap != null) {
            CgroupFiles.write(memsw, Long.toString(swap));
        }
    }

    static boolean memswFirst(long newLimit, long currentMemsw) {
        return newLimit == -1 || (currentMemsw != UNKNOWN && newLimit > currentMemsw);
    }

    /**
     * memory.usage_in_bytes and memory.stat (which holds the hierarchical limits too), and
     * memory.memsw.usage_in_bytes when swap is asked; null if nothing could be read.
     */
    static CgroupStats.Memory read(Path dir, boolean withSwap) {
        return read(dir, withSwap, false);
    }

    /** As {@link #read(Path, boolean)}, with the {@link CgroupStats.MemoryDetail} when {@code withDetail}. */
    static CgroupStats.Memory read(Path dir, boolean withSwap, boolean withDetail) {
        long usage = CgroupFiles.number(dir.resolve("memory.usage_in_bytes"));
        Map<String, Long> stat = CgroupFiles.flatKeyed(dir.resolve("memory.stat"));
        long memswUsage = withSwap ? CgroupFiles.number(dir.resolve("memory.memsw.usage_in_bytes")) : UNKNOWN;
        if (usage == UNKNOWN && stat.isEmpty() && memswUsage == UNKNOWN) {
            return null;
        }
        long limit = CgroupFiles.v1Limit(stat.getOrDefault("hierarchical_memory_limit", UNKNOWN));
        long memswLimit = withSwap ? CgroupFiles.v1Limit(stat.getOrDefault("hierarchical_memsw_limit", UNKNOWN)) : UNKNOWN;
        long swapLimit = memswLimit == UNKNOWN || memswLimit == UNLIMITED || limit == UNLIMITED || limit == UNKNOWN
                ? memswLimit : memswLimit - limit;
        long swapUsage = memswUsage == UNKNOWN || usage == UNKNOWN ? UNKNOWN : Math.max(0, memswUsage - usage);
        return new CgroupStats.Memory(usage, limit, stat.getOrDefault("total_rss", UNKNOWN),
                stat.getOrDefault("total_cache", UNKNOWN), stat.getOrDefault("total_inactive_file", UNKNOWN),
                stat.getOrDefault("total_pgfault", UNKNOWN), stat.getOrDefault("total_pgmajfault", UNKNOWN),
                swapUsage, swapLimit, null, withDetail ? detail(dir, stat) : null);
    }

    /** memory.failcnt, memory.max_usage_in_bytes, memory.kmem.usage_in_bytes, memory.oom_control; mapped files from memory.stat. */
    static CgroupStats.MemoryDetail detail(Path dir, Map<String, Long> stat) {
        return new CgroupStats.MemoryDetail(CgroupFiles.number(dir.resolve("memory.failcnt")),
                CgroupFiles.number(dir.resolve("memory.max_usage_in_bytes")),
                CgroupFiles.number(dir.resolve("memory.kmem.usage_in_bytes")),
                stat.getOrDefault("total_mapped_file", UNKNOWN),
                CgroupFiles.flatKeyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", UNKNOWN));
    }
}
