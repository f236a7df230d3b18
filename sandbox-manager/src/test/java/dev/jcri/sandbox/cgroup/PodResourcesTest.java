package dev.jcri.sandbox.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class PodResourcesTest {

    @Test
    void theOverheadIsAddedToSetLimitsAndUnsetOnesStayUnset() {
        Api.LinuxPodSandboxConfig linux = Api.LinuxPodSandboxConfig.newBuilder()
                .setResources(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).setCpuShares(512)
                        .setCpuPeriod(100_000))
                .setOverhead(Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16L << 20).setCpuShares(10)
                        .setCpuQuota(5_000))
                .build();
        assertEquals(CgroupLimits.NONE.withMemory(80L << 20, null).withCpu(522L, null, 100_000L), PodResources.limits(linux));
        assertEquals(CgroupLimits.NONE, PodResources.limits(Api.LinuxPodSandboxConfig.getDefaultInstance()));
    }
}
