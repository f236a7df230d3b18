package dev.jcri.sandbox.container;

import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.cgroup.CgroupFs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A container's resource usage now: CPU and memory from its cgroup (v1 or v2), its writable
 * layer from the snapshotter. Values the kernel does not offer (a cgroup already gone) are -1.
 *
 * @param timestampNanos when it was read (CRI timestamps)
 */
public record ContainerUsage(long timestampNanos, long cpuNanos, long memoryUsageBytes, long workingSetBytes,
        long rssBytes, long pageFaults, long majorPageFaults, long writableBytes, long writableInodes) {

    /** Reads the cgroup counters of {@code cgroupPath}; the writable layer figures are passed in. */
    static ContainerUsage read(CgroupFs fs, String cgroupPath, long timestampNanos, long writableBytes, long writableInodes) {
        if (fs.isV2()) {
            Path dir = fs.dirOf("", cgroupPath);
            Map<String, Long> cpu = keyValues(dir.resolve("cpu.stat"));
            Map<String, Long> mem = keyValues(dir.resolve("memory.stat"));
            long usage = number(dir.resolve("memory.current"));
            long cpuMicros = cpu.getOrDefault("usage_usec", -1L);
            return new ContainerUsage(timestampNanos, cpuMicros < 0 ? -1 : cpuMicros * 1000, usage,
                    workingSet(usage, mem.getOrDefault("inactive_file", 0L)), mem.getOrDefault("anon", -1L),
                    mem.getOrDefault("pgfault", -1L), mem.getOrDefault("pgmajfault", -1L), writableBytes, writableInodes);
        }
        Path memory = fs.dirOf("memory", cgroupPath);
        Map<String, Long> mem = keyValues(memory.resolve("memory.stat"));
        long usage = number(memory.resolve("memory.usage_in_bytes"));
        return new ContainerUsage(timestampNanos, number(fs.dirOf("cpuacct", cgroupPath).resolve("cpuacct.usage")), usage,
                workingSet(usage, mem.getOrDefault("total_inactive_file", 0L)), mem.getOrDefault("total_rss", -1L),
                mem.getOrDefault("total_pgfault", -1L), mem.getOrDefault("total_pgmajfault", -1L),
                writableBytes, writableInodes);
    }

    /** kubelet's working set: usage minus inactive file cache (what can't be reclaimed easily). */
    private static long workingSet(long usage, long inactiveFile) {
        return usage < 0 ? -1 : Math.max(0, usage - inactiveFile);
    }

    private static long number(Path file) {
        try {
            return Long.parseLong(ProcFiles.readTrimmedOrEmpty(file));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, Long> keyValues(Path file) {
        Map<String, Long> out = new HashMap<>();
        for (String line : ProcFiles.readTrimmedOrEmpty(file).split("\n")) {
            String[] kv = line.split(" ");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return out;
    }
}
