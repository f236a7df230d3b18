package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * CPU on cgroup v1: limits in the {@code cpu} hierarchy (cpu.shares, CFS quota and period), usage
 * in the {@code cpuacct} one (often the same, mounted as {@code cpu,cpuacct}).
 */
final class CpuV1 {

    /** cpuacct.stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private CpuV1() {}

    /** Period before quota: the kernel checks a new quota against the period in force. */
    static void apply(Path cpuDir, CgroupLimits limits) throws IOException {
        if (limits.cpuShares() != null) {
            CgroupFiles.write(cpuDir.resolve("cpu.shares"), Long.toString(limits.cpuShares()));
        }
        if (limits.cpuPeriod() != null) {
            CgroupFiles.write(cpuDir.resolve("cpu.cfs_period_us"), Long.toString(limits.cpuPeriod()));
        }
        if (limits.cpuQuota() != null) {
            CgroupFiles.write(cpuDir.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuota()));
        }
    }

    /** Either directory may be null (that hierarchy is not mounted); null if nothing could be read. */
    static CgroupStats.Cpu read(Path cpuDir, Path cpuacctDir) {
        long usage = cpuacctDir == null ? UNKNOWN : CgroupFiles.number(cpuacctDir.resolve("cpuacct.usage"));
        Map<String, Long> ticks = cpuacctDir == null ? Map.of() : CgroupFiles.flatKeyed(cpuacctDir.resolve("cpuacct.stat"));
        Map<String, Long> stat = cpuDir == null ? Map.of() : CgroupFiles.flatKeyed(cpuDir.resolve("cpu.stat"));
        if (usage == UNKNOWN && ticks.isEmpty() && stat.isEmpty()) {
            return null;
        }
        return new CgroupStats.Cpu(usage, CgroupFiles.scaled(ticks.get("user"), NANOS_PER_TICK), CgroupFiles.scaled(ticks.get("system"), NANOS_PER_TICK),
                stat.getOrDefault("nr_periods", UNKNOWN), stat.getOrDefault("nr_throttled", UNKNOWN),
                stat.getOrDefault("throttled_time", UNKNOWN), null);
    }
}
