package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;

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
}
