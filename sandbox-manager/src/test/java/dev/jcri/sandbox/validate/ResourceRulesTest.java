package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static dev.jcri.sandbox.validate.Refusals.outOfRange;

import java.util.BitSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class ResourceRulesTest {

    private static final String P = "config.linux.resources.";
    /** Two CPUs, one memory node, 2 MB and 1 GB huge pages. */
    static final NodeTopology NODE = new NodeTopology(bits(0, 1), bits(0), Set.of("2MB", "1GB"));

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    private static void check(UnaryOperator<Api.LinuxContainerResources.Builder> edit) throws Exception {
        ResourceRules.check(P, edit.apply(Api.LinuxContainerResources.newBuilder()).build(), NODE);
    }

    @Test
    void whatKubeletSendsIsAccepted() throws Exception {
        check(r -> r); // every number 0: not set
        check(r -> r.setCpuShares(2).setCpuPeriod(100_000).setCpuQuota(1000).setMemoryLimitInBytes(12L << 20)
                .setMemorySwapLimitInBytes(12L << 20).setOomScoreAdj(-997));
        check(r -> r.setCpuShares(262_144).setCpuQuota(-1).setMemoryLimitInBytes(-1).setOomScoreAdj(1000)
                .setMemorySwapLimitInBytes(-1));
        check(r -> r.setOomScoreAdj(-1000).setCpusetCpus("0-1").setCpusetMems("0")
                .addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("1GB").setLimit(1L << 30))
                .putUnified("memory.high", "max"));
    }

    @Test
    void numbersOutsideTheKernelsRangesAreRefused() {
        outOfRange(P + "cpu_shares", () -> check(r -> r.setCpuShares(1)));
        outOfRange(P + "cpu_shares", () -> check(r -> r.setCpuShares(-1)));
        outOfRange(P + "cpu_shares", () -> check(r -> r.setCpuShares(262_145)));
        outOfRange(P + "cpu_quota", () -> check(r -> r.setCpuQuota(999)));
        outOfRange(P + "cpu_quota", () -> check(r -> r.setCpuQuota(-5)));
        outOfRange(P + "cpu_quota", () -> check(r -> r.setCpuQuota(Long.MAX_VALUE)));
        outOfRange(P + "cpu_period", () -> check(r -> r.setCpuPeriod(999)));
        outOfRange(P + "cpu_period", () -> check(r -> r.setCpuPeriod(1_000_001)));
        outOfRange(P + "memory_limit_in_bytes", () -> check(r -> r.setMemoryLimitInBytes(1)));
        outOfRange(P + "memory_limit_in_bytes", () -> check(r -> r.setMemoryLimitInBytes(-2)));
        outOfRange(P + "memory_swap_limit_in_bytes", () -> check(r -> r.setMemoryLimitInBytes(100L << 20)
                .setMemorySwapLimitInBytes(50L << 20)));
        outOfRange(P + "memory_swap_limit_in_bytes", () -> check(r -> r.setMemorySwapLimitInBytes(-2)));
        outOfRange(P + "oom_score_adj", () -> check(r -> r.setOomScoreAdj(-1001)));
        outOfRange(P + "oom_score_adj", () -> check(r -> r.setOomScoreAdj(Long.MIN_VALUE)));
    }

    @Test
    void cpusetsMustBeWellFormedAndOnline() {
        invalid(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus("1-0")));
        invalid(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus("0-")));
        invalid(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus(",")));
        invalid(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus("0-1; rm")));
        outOfRange(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus("0,4096")));
        outOfRange(P + "cpuset_cpus", () -> check(r -> r.setCpusetCpus("70000")));
        outOfRange(P + "cpuset_mems", () -> check(r -> r.setCpusetMems("1")));
    }

    @Test
    void hugePagesAndUnifiedName() {
        invalid(P + "hugepage_limits[0].page_size", () -> check(r -> r.addHugepageLimits(
                Api.HugepageLimit.newBuilder().setPageSize("2XB"))));
        invalid(P + "hugepage_limits[1].page_size", () -> check(r -> r.addHugepageLimits(
                Api.HugepageLimit.newBuilder().setPageSize("2MB")).addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("16GB"))));
        invalid(P + "unified[../x]", () -> check(r -> r.putUnified("../x", "1")));
        invalid(P + "unified[memory.high]", () -> check(r -> r.putUnified("memory.high", "1\nmemory.max 1")));
    }

    @Test
    void updatesNameTheirOwnField() {
        outOfRange("linux.cpu_quota", () -> ResourceRules.check("linux.", Api.LinuxContainerResources.newBuilder()
                .setCpuQuota(1).build(), NODE));
    }

    @Test
    void aPodsOverheadMayBeSmallButItsLimitsAreRangeChecked() throws Exception {
        ResourceRules.checkPod(Api.LinuxPodSandboxConfig.newBuilder()
                .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).setCpuShares(2))
                .setOverhead(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(5L << 20)).build(), NODE);
        outOfRange("config.linux.resources.cpu_period", () -> ResourceRules.checkPod(Api.LinuxPodSandboxConfig.newBuilder()
                .setResources(Api.LinuxContainerResources.newBuilder().setCpuPeriod(1)).build(), NODE));
        outOfRange("config.linux.overhead.cpu_quota", () -> ResourceRules.checkPod(Api.LinuxPodSandboxConfig.newBuilder()
                .setOverhead(Api.LinuxContainerResources.newBuilder().setCpuQuota(-5)).build(), NODE));
    }
}
