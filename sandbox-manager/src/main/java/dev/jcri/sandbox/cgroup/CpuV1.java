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

    /**
     * Only cpuacct.usage: user/system time (cpuacct.stat, in ticks) and throttling (cpu.stat) are
     * two more files each time, and CRI reports neither. Null if it could not be read.
     */
    static CgroupStats.Cpu read(Path cpuacctDir) {
        long usage = CgroupFiles.number(cpuacctDir.resolve("cpuacct.usage"));
        return usage == UNKNOWN ? null : new CgroupStats.Cpu(usage, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null);
    }

    /**
     * cpuacct.usage with the detail metrics need: user and system time in nanoseconds
     * (cpuacct.usage_user and .usage_sys, kernel 4.7+; cpuacct.stat counts coarse ticks) and CFS
     * throttling from cpu.stat in the {@code cpu} hierarchy ({@code cpuDir}, null when not mounted).
     */
    static CgroupStats.Cpu readDetail(Path cpuacctDir, Path cpuDir) {
        CgroupStats.Cpu usage = read(cpuacctDir);
        if (usage == null) {
            return null;
        }
        Map<String, Long> stat = cpuDir == null ? Map.of() : CgroupFiles.flatKeyed(cpuDir.resolve("cpu.stat"));
        return new CgroupStats.Cpu(usage.usageNanos(), CgroupFiles.number(cpuacctDir.resolve("cpuacct.usage_user")),
                CgroupFiles.number(cpuacctDir.resolve("cpuacct.usage_sys")), stat.getOrDefault("nr_periods", UNKNOWN),
                stat.getOrDefault("nr_throttled", UNKNOWN), stat.getOrDefault("throttled_time", UNKNOWN), null);
    }
}
