package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class SpecResourcesTest {
    private static final List<OciSpec.DeviceRule> DENY = List.of(new OciSpec.DeviceRule(false, null, null, null, "rwm"));

    @Test
    void unsetMeansAbsent() throws Exception {
        OciSpec.Resources r = SpecResources.of(Api.LinuxContainerResources.getDefaultInstance(), DENY, false, true);
        assertNull(r.cpu());
        assertNull(r.memory());
        assertEquals(DENY, r.devices());
    }

    @Test
    void cpuAndMemory() throws Exception {
        Api.LinuxContainerResources in = Api.LinuxContainerResources.newBuilder()
                .setCpuShares(512).setCpuQuota(50000).setCpuPeriod(100000).setCpusetCpus("0-1").setCpusetMems("0")
                .setMemoryLimitInBytes(256L << 20)
                .addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("2MB").setLimit(1 << 21))
                .build();
        OciSpec.Resources r = SpecResources.of(in, DENY, false, true);
        assertEquals(new OciSpec.Cpu(512L, 50000L, 100000L, "0-1", "0"), r.cpu());
        // No swap limit asked: memory+swap = memory, i.e. no swap (containerd's default).
        assertEquals(new OciSpec.Memory(256L << 20, null, 256L << 20), r.memory());
        assertEquals(List.of(new OciSpec.HugepageLimit("2MB", 1 << 21)), r.hugepageLimits());
    }

    @Test
    void explicitSwapAndNoSwapAccounting() throws Exception {
        Api.LinuxContainerResources in = Api.LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(100).setMemorySwapLimitInBytes(300).build();
        assertEquals(300L, SpecResources.of(in, DENY, false, true).memory().swap());
        assertNull(SpecResources.of(in, DENY, false, false).memory().swap());
    }

    @Test
    void unifiedOnlyOnV2() throws Exception {
        Api.LinuxContainerResources in = Api.LinuxContainerResources.newBuilder().putUnified("memory.high", "1000").build();
        assertNull(SpecResources.of(in, DENY, false, true).unified());
        assertEquals(Map.of("memory.high", "1000"), SpecResources.of(in, DENY, true, true).unified());
    }
}
