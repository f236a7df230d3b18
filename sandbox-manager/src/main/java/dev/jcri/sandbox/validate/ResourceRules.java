package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.BitSet;
import java.util.Map;
import java.util.regex.Pattern;
import runtime.v1.Api;

/**
 * CRI's LinuxContainerResources (a container's, an update's, a pod's and its overhead): the ranges
 * the kernel accepts, so a bad number is refused with its field instead of failing runc (or a
 * cgroup write) later. CRI's 0 means "not set" for every number (proto3 has no presence).
 *
 * <ul>
 *   <li>cpu_shares: 2..262144 (the kernel's MIN_SHARES and MAX_SHARES; kubelet's MilliCPUToShares
 *       clamps to the same).
 *   <li>cpu_period: 1000..1000000 µs (the kernel's 1 ms..1 s).
 *   <li>cpu_quota: -1 (unlimited) or 1000 µs..2^44-1 µs (the kernel's minimum and max_cfs_runtime;
 *       kubelet raises a smaller quota to 1000).
 *   <li>memory_limit_in_bytes: -1 (unlimited) or at least 12 MiB, CRI-O's minimum: runc's own
 *       setup process is charged to the container's cgroup and is OOM-killed below it.
 *   <li>memory_swap_limit_in_bytes: -1, or at least the memory limit (it is memory + swap).
 *   <li>oom_score_adj: -1000..1000.
 *   <li>cpuset_cpus, cpuset_mems: the kernel's list form, naming only online CPUs and nodes.
 *   <li>hugepage_limits: a page size the kernel offers ("2MB"); unified: cgroup file names.
 * </ul>
 */
public final class ResourceRules {

    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262_144;
    static final long MIN_PERIOD = 1_000;
    static final long MAX_PERIOD = 1_000_000;
    static final long MIN_QUOTA = 1_000;
    static final long MAX_QUOTA = (1L << 44) - 1;
    static final long MIN_MEMORY = 12L << 20;
    static final int MIN_OOM_SCORE_ADJ = -1000;
    static final int MAX_OOM_SCORE_ADJ = 1000;
    private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]{1,10}[KMG]B");
    private static final Pattern CGROUP_FILE = Pattern.compile("[a-z0-9_]+\\.[a-z0-9_.]+");
    private static final int MAX_UNIFIED_VALUE = 4095;

    private ResourceRules() {}

    /** UpdateContainerResources' {@code linux}. */
    public static void checkUpdate(Api.LinuxContainerResources r) throws JcriException {
        check("linux.", r, NodeTopology.current());
    }

    /**
     * @param prefix the resources' field path with its dot ({@code "config.linux.resources."})
     */
    public static void check(String prefix, Api.LinuxContainerResources r, NodeTopology node) throws JcriException {
        check(prefix, r, node, MIN_MEMORY);
    }

    private static void check(String prefix, Api.LinuxContainerResources r, NodeTopology node, long minMemory)
            throws JcriException {
        range(prefix + "cpu_shares", r.getCpuShares(), MIN_SHARES, MAX_SHARES);
        range(prefix + "cpu_period", r.getCpuPeriod(), MIN_PERIOD, MAX_PERIOD);
        if (r.getCpuQuota() != -1) {
            range(prefix + "cpu_quota", r.getCpuQuota(), MIN_QUOTA, MAX_QUOTA);
        }
        long memory = r.getMemoryLimitInBytes();
        if (memory != -1) {
            range(prefix + "memory_limit_in_bytes", memory, minMemory, Long.MAX_VALUE);
        }
        long swap = r.getMemorySwapLimitInBytes();
        if (swap != 0 && swap != -1) {
            long least = memory > 0 ? memory : minMemory;
            if (swap < least) {
                throw JcriException.outOfRange(prefix + "memory_swap_limit_in_bytes", swap + " is below "
                        + (memory > 0 ? "memory_limit_in_bytes (" + memory + "): it is memory + swap" : "the minimum " + least));
            }
        }
        long oom = r.getOomScoreAdj();
        if (oom < MIN_OOM_SCORE_ADJ || oom > MAX_OOM_SCORE_ADJ) {
            throw JcriException.outOfRange(prefix + "oom_score_adj", oom + " is not within " + MIN_OOM_SCORE_ADJ + ".."
                    + MAX_OOM_SCORE_ADJ);
        }
        cpuset(prefix + "cpuset_cpus", r.getCpusetCpus(), node.cpus(), "CPUs");
        cpuset(prefix + "cpuset_mems", r.getCpusetMems(), node.mems(), "memory nodes");
        for (int i = 0; i < r.getHugepageLimitsCount(); i++) {
            String size = r.getHugepageLimits(i).getPageSize();
            String field = prefix + "hugepage_limits[" + i + "].page_size";
            if (!PAGE_SIZE.matcher(size).matches()) {
                throw JcriException.invalidArgument(field, "\"" + TextRules.shown(size) + "\" is not a page size like 2MB or 1GB");
            }
            if (!node.hugePageSizes().contains(size)) {
                throw JcriException.invalidArgument(field, "this node has no " + size + " huge pages (it has "
                        + (node.hugePageSizes().isEmpty() ? "none" : String.join(", ", node.hugePageSizes())) + ")");
            }
        }
        for (Map.Entry<String, String> e : r.getUnifiedMap().entrySet()) {
            String field = prefix + "unified[" + TextRules.shown(e.getKey()) + "]";
            // a key becomes a file name of the container's cgroup ("memory.high"): no path tricks
            if (!CGROUP_FILE.matcher(e.getKey()).matches() || e.getKey().length() > TextRules.NAME_MAX) {
                throw JcriException.invalidArgument(field, "is not a cgroup file name like memory.high");
            }
            TextRules.oneLine(field, e.getValue());
            TextRules.maxBytes(field, e.getValue(), MAX_UNIFIED_VALUE);
        }
    }

    /**
     * A pod's resources and its RuntimeClass overhead. Their sum is what its cgroup gets: the
     * kernel clamps shares, and two quotas within range cannot overflow. The overhead is added to
     * a limit, not one itself: any positive memory is fine there.
     */
    public static void checkPod(Api.LinuxPodSandboxConfig linux, NodeTopology node) throws JcriException {
        check("config.linux.resources.", linux.getResources(), node, MIN_MEMORY);
        check("config.linux.overhead.", linux.getOverhead(), node, 1);
    }

    /** 0 (not set) or within min..max. */
    private static void range(String field, long value, long min, long max) throws JcriException {
        if (value != 0 && (value < min || value > max)) {
            throw JcriException.outOfRange(field, value + " is not within " + min + ".." + max + " (0 = not set)");
        }
    }

    private static void cpuset(String field, String list, BitSet online, String what) throws JcriException {
        BitSet wanted = CpuList.parse(field, list);
        if (online.isEmpty()) {
            return; // the node's list could not be read: the runtime decides
        }
        BitSet missing = (BitSet) wanted.clone();
        missing.andNot(online);
        if (!missing.isEmpty()) {
            throw JcriException.outOfRange(field, "names " + what + " this node does not have online: "
                    + CpuList.format(missing) + " (online: " + CpuList.format(online) + ")");
        }
    }
}
