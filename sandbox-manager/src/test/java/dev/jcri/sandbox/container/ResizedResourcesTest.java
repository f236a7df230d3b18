package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class ResizedResourcesTest {

    @Test
    void setFieldsReplaceUnsetOnesKeepTheCurrentValue() {
        Api.LinuxContainerResources current = Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 << 20)
                .setCpuShares(256).setCpuQuota(50_000).setCpuPeriod(100_000).putUnified("memory.high", "1")
                .addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("2MB").setLimit(1)).build();
        Api.LinuxContainerResources update = Api.LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96 << 20)
                .setCpuQuota(-1).putUnified("memory.oom.group", "1")
                .addHugepageLimits(Api.HugepageLimit.newBuilder().setPageSize("2MB").setLimit(2)).build();
        Api.LinuxContainerResources merged = ResizedResources.merge(current, update);
        assertEquals(96 << 20, merged.getMemoryLimitInBytes());
        assertEquals(256, merged.getCpuShares());
        assertEquals(-1, merged.getCpuQuota(), "-1 (unlimited) is a value, not 'unset'");
        assertEquals(100_000, merged.getCpuPeriod());
        assertEquals(Map.of("memory.high", "1", "memory.oom.group", "1"), merged.getUnifiedMap());
        assertEquals(1, merged.getHugepageLimitsCount(), "one limit per page size");
        assertEquals(2, merged.getHugepageLimits(0).getLimit());
    }

    @Test
    void aRecordWrittenBeforeResizesWereKeptReadsAsTheCreateTimeResources() throws Exception {
        Api.ContainerConfig config = Api.ContainerConfig.newBuilder().setLinux(Api.LinuxContainerConfig.newBuilder()
                .setResources(Api.LinuxContainerResources.newBuilder().setCpuShares(512))).build();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(new ContainerRecord("c", "p", "n", 0,
                ContainerState.RUNNING, 1, 2, 0, 0, "", "", 9, "runc", "i", "sha256:i", "i@sha256:i", null, 15,
                config.toByteArray(), new byte[] {1}, null));
        node.remove("resources");
        node.remove("user");
        ContainerRecord old = json.treeToValue(node, ContainerRecord.class);
        assertEquals(null, old.resources());
        assertEquals(512, ResizedResources.current(old, config).getCpuShares());
    }
}
