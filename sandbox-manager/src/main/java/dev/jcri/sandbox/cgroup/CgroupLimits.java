package dev.jcri.sandbox.cgroup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits to write into a cgroup, in OCI's (cgroup v1) terms whatever the version: each controller
 * class converts them (shares to weight, memory+swap to swap, ...) the way runc does. A null field
 * leaves that file as it is.
 *
 * @param memoryBytes     memory limit; -1 removes it
 * @param memorySwapBytes memory plus swap limit (OCI's memory.swap); -1 removes it
 * @param cpuShares       relative CPU weight, v1 shares [2, 262144]
 * @param cpuQuota        microseconds per period; -1 removes the quota
 * @param cpuPeriod       the quota's period in microseconds
 * @param cpusetCpus      CPU list ("0-3,6")
 * @param cpusetMems      memory node list
 * @param pidsMax         most tasks; 0 or -1 removes the limit
 * @param hugepageBytes   page size ("2MB") → limit in bytes
 * @param blkioWeight     relative block I/O weight, v1 blkio.weight [10, 1000]
 */
public record CgroupLimits(Long memoryBytes, Long memorySwapBytes, Long cpuShares, Long cpuQuota, Long cpuPeriod,
                           String cpusetCpus, String cpusetMems, Long pidsMax, Map<String, Long> hugepageBytes,
                           Long blkioWeight) {

    /** Nothing to change. */
    public static final CgroupLimits NONE = new CgroupLimits(null, null, null, null, null, null, null, null, Map.of(), null);

    public CgroupLimits {
        hugepageBytes = hugepageBytes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hugepageBytes));
    }

    public CgroupLimits withMemory(Long bytes, Long swapBytes) {
        return new CgroupLimits(bytes, swapBytes, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems, pidsMax,
                hugepageBytes, blkioWeight);
    }

    public CgroupLimits withCpu(Long shares, Long quota, Long period) {
        return new CgroupLimits(memoryBytes, memorySwapBytes, shares, quota, period, cpusetCpus, cpusetMems, pidsMax,
                hugepageBytes, blkioWeight);
    }

    public CgroupLimits withCpuset(String cpus, String mems) {
        return new CgroupLimits(memoryBytes, memorySwapBytes, cpuShares, cpuQuota, cpuPeriod, cpus, mems, pidsMax,
                hugepageBytes, blkioWeight);
    }

    public CgroupLimits withPids(Long max) {
        return new CgroupLimits(memoryBytes, memorySwapBytes, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems, max,
                hugepageBytes, blkioWeight);
    }

    public CgroupLimits withHugepages(Map<String, Long> bytesByPageSize) {
        return new CgroupLimits(memoryBytes, memorySwapBytes, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems,
                pidsMax, bytesByPageSize, blkioWeight);
    }

    public CgroupLimits withBlkioWeight(Long weight) {
        return new CgroupLimits(memoryBytes, memorySwapBytes, cpuShares, cpuQuota, cpuPeriod, cpusetCpus, cpusetMems,
                pidsMax, hugepageBytes, weight);
    }

    boolean setsCpu() {
        return cpuShares != null || cpuQuota != null || cpuPeriod != null;
    }

    boolean setsMemory() {
        return memoryBytes != null || memorySwapBytes != null;
    }

    boolean setsCpuset() {
        return cpusetCpus != null || cpusetMems != null;
    }

    boolean setsPids() {
        return pidsMax != null;
    }

    boolean setsHugetlb() {
        return !hugepageBytes.isEmpty();
    }

    boolean setsIo() {
        return blkioWeight != null;
    }
}
