package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import runtime.v1.Api;

/**
 * Limits on a pod's own cgroup: kubelet's pod-level resources plus the RuntimeClass overhead.
 * Applied only to a pod cgroup jcri created itself; where kubelet made the cgroup it also sets its
 * limits, and a second writer would fight it.
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

    /** Writes the limits into the pod cgroup (every hierarchy that has the controller). */
    public static void apply(CgroupFs fs, String cgroupPath, Api.LinuxContainerResources r) throws IOException {
        if (fs.isV2()) {
            Path dir = fs.dirOf("", cgroupPath);
            if (r.getMemoryLimitInBytes() > 0) {
                write(dir.resolve("memory.max"), Long.toString(r.getMemoryLimitInBytes()));
            }
            if (r.getCpuQuota() > 0) {
                long period = r.getCpuPeriod() > 0 ? r.getCpuPeriod() : 100_000;
                write(dir.resolve("cpu.max"), r.getCpuQuota() + " " + period);
            }
            if (r.getCpuShares() > 0) {
                write(dir.resolve("cpu.weight"), Long.toString(sharesToWeight(r.getCpuShares())));
            }
            return;
        }
        if (r.getMemoryLimitInBytes() > 0) {
            write(fs.dirOf("memory", cgroupPath).resolve("memory.limit_in_bytes"), Long.toString(r.getMemoryLimitInBytes()));
        }
        if (r.getCpuPeriod() > 0) {
            write(fs.dirOf("cpu", cgroupPath).resolve("cpu.cfs_period_us"), Long.toString(r.getCpuPeriod()));
        }
        if (r.getCpuQuota() > 0) {
            write(fs.dirOf("cpu", cgroupPath).resolve("cpu.cfs_quota_us"), Long.toString(r.getCpuQuota()));
        }
        if (r.getCpuShares() > 0) {
            write(fs.dirOf("cpu", cgroupPath).resolve("cpu.shares"), Long.toString(r.getCpuShares()));
        }
    }

    /** cgroup v1 shares [2..262144] onto v2 weight [1..10000], the mapping runc and the kernel docs use. */
    static long sharesToWeight(long shares) {
        return 1 + ((Math.clamp(shares, 2L, 262144L) - 2) * 9999) / 262142;
    }

    private static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IOException("cannot set " + file + " to " + value + ": " + e.getMessage(), e);
        }
    }
}
