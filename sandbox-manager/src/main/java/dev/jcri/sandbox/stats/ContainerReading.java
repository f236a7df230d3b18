package dev.jcri.sandbox.stats;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.snapshot.MeasuredUsage;

/**
 * One reading of a container: its cgroup (CPU, memory, swap, tasks, and PSI on cgroup v2; a
 * controller that could not be read is null in it, as when the container stopped meanwhile), its
 * CPU rate, and the last measurement of its writable layer.
 *
 * @param timestampNanos the one clock read every counter of this reading is stamped with
 * @param nanoCores      CPU rate since an earlier reading, or {@link CpuRates#UNKNOWN}
 * @param writableLayer  the writable layer's last measurement (with its own time), or null when unknown
 */
public record ContainerReading(ContainerRecord container, long timestampNanos, CgroupStats cgroup, long nanoCores,
                               MeasuredUsage writableLayer) {}
