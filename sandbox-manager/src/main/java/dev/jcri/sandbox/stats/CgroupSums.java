package dev.jcri.sandbox.stats;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.CgroupStats.UNLIMITED;

import dev.jcri.sandbox.cgroup.CgroupStats;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The usage of a pod that has no cgroup of its own (no cgroup_parent: its containers' cgroups sit
 * apart under the runtime's default parent): the sum of its containers' readings. Counters are
 * summed over the containers that have them; a counter none has stays unknown. There is no pod
 * limit to report, and pressure does not add up, so both are left out.
 */
final class CgroupSums {

    private CgroupSums() {}

    static CgroupStats of(List<CgroupStats> parts) {
        List<CgroupStats.Cpu> cpus = parts.stream().map(CgroupStats::cpu).filter(c -> c != null).toList();
        List<CgroupStats.Memory> mems = parts.stream().map(CgroupStats::memory).filter(m -> m != null).toList();
        List<CgroupStats.Pids> pids = parts.stream().map(CgroupStats::pids).filter(p -> p != null).toList();
        CgroupStats.Cpu cpu = cpus.isEmpty() ? null : new CgroupStats.Cpu(sum(cpus, CgroupStats.Cpu::usageNanos),
                sum(cpus, CgroupStats.Cpu::userNanos), sum(cpus, CgroupStats.Cpu::systemNanos), UNKNOWN, UNKNOWN, UNKNOWN,
                null);
        CgroupStats.Memory memory = mems.isEmpty() ? null : new CgroupStats.Memory(sum(mems, CgroupStats.Memory::usageBytes),
                UNLIMITED, sum(mems, CgroupStats.Memory::rssBytes), sum(mems, CgroupStats.Memory::cacheBytes),
                sum(mems, CgroupStats.Memory::inactiveFileBytes), sum(mems, CgroupStats.Memory::pageFaults),
                sum(mems, CgroupStats.Memory::majorPageFaults), sum(mems, CgroupStats.Memory::swapUsageBytes), UNLIMITED,
                null);
        CgroupStats.Pids tasks = pids.isEmpty() ? null : new CgroupStats.Pids(sum(pids, CgroupStats.Pids::current), UNLIMITED);
        return new CgroupStats(cpu, memory, tasks, List.of(), null, null);
    }

    /** The sum of the known values, UNKNOWN when none is known. */
    static <T> long sum(List<T> parts, ToLongFunction<T> counter) {
        long total = 0;
        boolean any = false;
        for (T part : parts) {
            long v = counter.applyAsLong(part);
            if (v >= 0 && v != UNLIMITED) {
                total += v;
                any = true;
            }
        }
        return any ? total : UNKNOWN;
    }
}
