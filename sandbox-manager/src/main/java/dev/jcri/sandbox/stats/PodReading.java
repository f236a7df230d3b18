package dev.jcri.sandbox.stats;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.pod.PodRecord;
import java.util.List;

/**
 * One reading of a pod: its cgroup (or, for a pod without a cgroup_parent, the sum of its
 * containers'), its CPU rate, its interfaces, and its containers' readings.
 *
 * @param timestampNanos the one clock read the cgroup counters are stamped with
 * @param nanoCores      CPU rate since an earlier reading, or {@link CpuRates#UNKNOWN}
 * @param network        the interfaces read in its network namespace, or null (host network, stopped pod)
 */
public record PodReading(PodRecord pod, long timestampNanos, CgroupStats cgroup, long nanoCores, NetworkReading network,
                         List<ContainerReading> containers) {

    public PodReading {
        containers = List.copyOf(containers);
    }
}
