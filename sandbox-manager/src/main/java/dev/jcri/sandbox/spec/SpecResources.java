package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * linux.resources from CRI's LinuxContainerResources. Values are written in cgroup v1 terms (shares,
 * quota/period, limit/swap) on both hierarchies, because runc and crun convert them to v2
 * (cpu.weight, cpu.max, memory.max, memory.swap.max); {@code unified} is passed only on v2, where
 * it is meaningful (runc rejects it on v1).
 */
final class SpecResources {
    private SpecResources() {}

    private static final String FIELD = "linux.resources";

    static OciSpec.Resources of(Api.LinuxContainerResources r, List<OciSpec.DeviceRule> deviceRules,
                                boolean cgroupV2, boolean swapAccounting) throws JcriException {
        OciSpec.Cpu cpu = cpu(r);
        OciSpec.Memory memory = memory(r, swapAccounting);
        List<OciSpec.HugepageLimit> hugepages = new ArrayList<>();
        for (Api.HugepageLimit h : r.getHugepageLimitsList()) {
            if (!h.getPageSize().matches("[0-9]+[KMG]B")) {
                throw JcriException.invalidArgument(FIELD + ".hugepage_limits", "invalid page size \"" + h.getPageSize() + "\"");
            }
            hugepages.add(new OciSpec.HugepageLimit(h.getPageSize(), h.getLimit()));
        }
        Map<String, String> unified = null;
        if (cgroupV2 && r.getUnifiedCount() > 0) {
            for (String key : r.getUnifiedMap().keySet()) {
                // A key is a file name of the container's cgroup ("memory.high"): no path tricks.
                if (!key.matches("[a-z0-9_]+\\.[a-z0-9_.]+")) {
                    throw JcriException.invalidArgument(FIELD + ".unified", "invalid cgroup file name \"" + key + "\"");
                }
            }
            unified = new LinkedHashMap<>(new java.util.TreeMap<>(r.getUnifiedMap()));
        }
        return new OciSpec.Resources(deviceRules, memory, cpu, null, List.copyOf(hugepages), unified);
    }

    private static OciSpec.Cpu cpu(Api.LinuxContainerResources r) throws JcriException {
        if (r.getCpuShares() < 0 || r.getCpuPeriod() < 0) {
            throw JcriException.invalidArgument(FIELD + (r.getCpuShares() < 0 ? ".cpu_shares" : ".cpu_period"), "must not be negative");
        }
        // 0 means "not set" in CRI (proto3 has no presence for scalars); quota -1 means unlimited.
        Long shares = r.getCpuShares() != 0 ? r.getCpuShares() : null;
        Long quota = r.getCpuQuota() != 0 ? r.getCpuQuota() : null;
        Long period = r.getCpuPeriod() != 0 ? r.getCpuPeriod() : null;
        String cpus = r.getCpusetCpus().isEmpty() ? null : r.getCpusetCpus();
        String mems = r.getCpusetMems().isEmpty() ? null : r.getCpusetMems();
        if (cpus != null && !cpus.matches("[0-9,\\-]+")) {
            throw JcriException.invalidArgument(FIELD + ".cpuset_cpus", "invalid CPU list \"" + cpus + "\"");
        }
        if (mems != null && !mems.matches("[0-9,\\-]+")) {
            throw JcriException.invalidArgument(FIELD + ".cpuset_mems", "invalid memory node list \"" + mems + "\"");
        }
        if (shares == null && quota == null && period == null && cpus == null && mems == null) {
            return null;
        }
        return new OciSpec.Cpu(shares, quota, period, cpus, mems);
    }

    /**
     * A memory limit without a swap limit gets swap = limit (memory+swap equals memory: no swap),
     * as containerd does, so that a container cannot escape its limit by swapping — but only where
     * the kernel accounts swap; setting it elsewhere makes the runtime fail.
     */
    private static OciSpec.Memory memory(Api.LinuxContainerResources r, boolean swapAccounting)
            throws JcriException {
        long limit = r.getMemoryLimitInBytes();
        long swap = r.getMemorySwapLimitInBytes();
        if (limit < 0 && limit != -1) {
            throw JcriException.invalidArgument(FIELD + ".memory_limit_in_bytes", "must not be negative");
        }
        if (limit == 0) {
            return null;
        }
        Long swapValue = null;
        if (swapAccounting) {
            if (swap != 0) {
                if (swap != -1 && limit > 0 && swap < limit) {
                    throw JcriException.invalidArgument(FIELD + ".memory_swap_limit_in_bytes",
                            "must be at least memory_limit_in_bytes (it is memory + swap)");
                }
                swapValue = swap;
            } else {
                swapValue = limit;
            }
        }
        return new OciSpec.Memory(limit, null, swapValue);
    }
}
