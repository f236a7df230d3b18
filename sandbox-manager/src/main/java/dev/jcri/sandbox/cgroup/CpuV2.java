package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** CPU on cgroup v2: cpu.weight and cpu.max; usage and throttling in cpu.stat, stalls in cpu.pressure. */
final class CpuV2 {

    private CpuV2() {}

    /**
     * Shares become a weight; quota and period become cpu.max ("QUOTA PERIOD", "max" for no quota).
     * Without a period only the quota is written, and the kernel keeps the period in force.
     */
    static void apply(Path dir, CgroupLimits limits) throws IOException {
        if (limits.cpuShares() != null) {
            CgroupFiles.write(dir.resolve("cpu.weight"), Long.toString(sharesToWeight(limits.cpuShares())));
        }
        if (limits.cpuQuota() != null || limits.cpuPeriod() != null) {
            Long quota = limits.cpuQuota();
            String max = quota == null || quota < 0 ? "max" : Long.toString(quota);
            CgroupFiles.write(dir.resolve("cpu.max"), limits.cpuPeriod() == null ? max : max + " " + limits.cpuPeriod());
        }
    }

    /** cgroup v1 shares [2..262144] onto v2 weight [1..10000], the mapping runc and the kernel docs use. */
    static long sharesToWeight(long shares) {
        return 1 + ((Math.clamp(shares, 2L, 262144L) - 2) * 9999) / 262142;
    }

    /** cpu.stat, and cpu.pressure when asked; null if nothing could be read. */
    static CgroupStats.Cpu read(Path dir, boolean withPressure) {
        Map<String, Long> stat = CgroupFiles.flatKeyed(dir.resolve("cpu.stat"));
        CgroupStats.Pressure pressure = withPressure ? CgroupFiles.pressure(dir.resolve("cpu.pressure")) : null;
        if (stat.isEmpty() && pressure == null) {
            return null;
        }
        return new CgroupStats.Cpu(CgroupFiles.scaled(stat.get("usage_usec"), 1000),
                CgroupFiles.scaled(stat.get("user_usec"), 1000), CgroupFiles.scaled(stat.get("system_usec"), 1000),
                stat.getOrDefault("nr_periods", UNKNOWN), stat.getOrDefault("nr_throttled", UNKNOWN),
                CgroupFiles.scaled(stat.get("throttled_usec"), 1000), pressure);
    }
}
