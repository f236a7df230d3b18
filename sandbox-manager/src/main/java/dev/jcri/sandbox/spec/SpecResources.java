package dev.jcri.sandbox.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * linux.resources from CRI's LinuxContainerResources. Values are written in cgroup v1 terms (shares,
 * quota/period, limit/swap) on both hierarchies, because runc and crun convert them to v2
 * (cpu.weight, cpu.max, memory.max, memory.swap.max); {@code unified} is passed only on v2, where
 * it is meaningful (runc rejects it on v1). The values were checked before anything was made
 * (ResourceRules): this only maps them.
 */
final class SpecResources {
    private SpecResources() {}


    static OciSpec.Resources of(Api.LinuxContainerResources r, List<OciSpec.DeviceRule> deviceRules,
                                boolean cgroupV2, boolean swapAccounting) {
        OciSpec.Cpu cpu = cpu(r);
        OciSpec.Memory memory = memory(r, swapAccounting);
        List<OciSpec.HugepageLimit> hugepages = new ArrayList<>();
        for (Api.HugepageLimit h : r.getHugepageLimitsList()) {
            hugepages.add(new OciSpec.HugepageLimit(h.getPageSize(), h.getLimit()));
        }
        Map<String, String> unified = null;
        if (cgroupV2 && r.getUnifiedCount() > 0) {
            unified = new LinkedHashMap<>(new java.util.TreeMap<>(r.getUnifiedMap()));
        }
        return new OciSpec.Resources(deviceRules, memory, cpu, null, List.copyOf(hugepages), unified);
    }

    private static OciSpec.Cpu cpu(Api.LinuxContainerResources r) {
        // 0 means "not set" in CRI (proto3 has no presence for scalars); quota -1 means unlimited.
        Long shares = r.getCpuShares() != 0 ? r.getCpuShares() : null;
        Long quota = r.getCpuQuota() != 0 ? r.getCpuQuota() : null;
        Long period = r.getCpuPeriod() != 0 ? r.getCpuPeriod() : null;
        String cpus = r.getCpusetCpus().isEmpty() ? null : r.getCpusetCpus();
        String mems = r.getCpusetMems().isEmpty() ? null : r.getCpusetMems();
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
    private static OciSpec.Memory memory(Api.LinuxContainerResources r, boolean swapAccounting) {
        long limit = r.getMemoryLimitInBytes();
        long swap = r.getMemorySwapLimitInBytes();
        if (limit == 0) {
            return null;
        }
        Long swapValue = null;
        if (swapAccounting) {
            if (swap != 0) {
                swapValue = swap;
            } else {
                swapValue = limit;
            }
        }
        return new OciSpec.Memory(limit, null, swapValue);
    }
}
