package dev.jcri.sandbox.cgroup;

import runtime.v1.Api;

/**
 * Limits on a pod's own cgroup: kubelet's pod-level resources plus the RuntimeClass overhead.
 * Applied only to a pod cgroup jcri created itself (see {@link Cgroups#createPodCgroup}).
 */
public final class PodResources {

    private PodResources() {}

    /** The pod's limits: its resources with the overhead added (0 = unlimited stays unlimited). */
    public static Api.LinuxContainerResources effective(Api.LinuxPodSandboxConfig linux) {
        Api.LinuxContainerResources r = linux.getResources();
        Api.LinuxContainerResources o = linux.getOverhead();
        Api.LinuxContainerResources.Builder b = r.toBuilder();
        if (r.getMemoryLimitInBytes() > 0 && o.getMemoryLimitInBytes() > 0) {
            b.setMemoryLimitInBytes(r.getMemoryLimitInBytes() + o.getMemoryLimitInBytes());
        }
        if (r.getCpuQuota() > 0 && o.getCpuQuota() > 0) {
            b.setCpuQuota(r.getCpuQuota() + o.getCpuQuota());
        }
        if (r.getCpuShares() > 0 && o.getCpuShares() > 0) {
            b.setCpuShares(r.getCpuShares() + o.getCpuShares());
        }
        return b.build();
    }

    /** The effective memory and CPU limits as cgroup limits; CRI's 0 means "not set". */
    public static CgroupLimits limits(Api.LinuxPodSandboxConfig linux) {
        Api.LinuxContainerResources r = effective(linux);
        return CgroupLimits.NONE
                .withMemory(positive(r.getMemoryLimitInBytes()), null)
                .withCpu(positive(r.getCpuShares()), positive(r.getCpuQuota()), positive(r.getCpuPeriod()));
    }

    private static Long positive(long value) {
        return value > 0 ? value : null;
    }
}
