package dev.jcri.sandbox.stats;

import dev.jcri.linux.FileSystemSpace;
import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.snapshot.MeasuredUsage;

/**
 * One reading of a container: its cgroup (CPU, memory, swap, tasks, and PSI on cgroup v2; a
 * controller that could not be read is null in it, as when the container stopped meanwhile), its
 * CPU rate, and the last measurement of its writable layer; for the metrics calls also its
 * processes' open files and the size of the file system its writable layer is on.
 *
 * @param timestampNanos     the one clock read every counter of this reading is stamped with
 * @param nanoCores          CPU rate since an earlier reading, or {@link CpuRates#UNKNOWN}
 * @param writableLayer      the writable layer's last measurement (with its own time), or null when unknown
 * @param processes          its processes and their descriptors, or null (a stats call, or no cgroup)
 * @param writableLayerSpace size and inodes of the writable layer's file system, or null (a stats call, or unreadable)
 */
public record ContainerReading(ContainerRecord container, long timestampNanos, CgroupStats cgroup, long nanoCores,
                               MeasuredUsage writableLayer, ProcessCounts processes, FileSystemSpace writableLayerSpace) {

    /** A stats call's reading: no process walk, no file system size. */
    public ContainerReading(ContainerRecord container, long timestampNanos, CgroupStats cgroup, long nanoCores,
                            MeasuredUsage writableLayer) {
        this(container, timestampNanos, cgroup, nanoCores, writableLayer, null, null);
    }
}
