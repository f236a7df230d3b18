package dev.jcri.sandbox.container;

import dev.jcri.sandbox.cgroup.CgroupStats;

/**
 * A container's resource usage now: its cgroup's reading (CPU and memory; a controller that could
 * not be read is null in it) and its writable layer from the snapshotter (-1 when the layer is gone).
 *
 * @param timestampNanos when it was read (CRI timestamps)
 */
public record ContainerUsage(long timestampNanos, CgroupStats cgroup, long writableBytes, long writableInodes) {}
