package dev.jcri.server.rpc;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jcri.sandbox.cgroup.CgroupStats;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** A cgroup reading as CRI reports it: what the cgroup did not give stays unset, never 0. */
class StatsRpcsTest {

    @Test
    void cpuAndMemoryReadingsBecomeCriUsage() {
        Api.CpuUsage cpu = StatsRpcs.cpu(new CgroupStats.Cpu(5_000, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null), 7).build();
        assertEquals(7, cpu.getTimestamp());
        assertEquals(5_000, cpu.getUsageCoreNanoSeconds().getValue());

        Api.MemoryUsage memory = StatsRpcs.memory(new CgroupStats.Memory(16384, CgroupStats.UNLIMITED, 8192, 4096, 1024,
                77, UNKNOWN, UNKNOWN, UNKNOWN, null), 7).build();
        assertEquals(15360, memory.getWorkingSetBytes().getValue());
        assertEquals(16384, memory.getUsageBytes().getValue());
        assertEquals(8192, memory.getRssBytes().getValue());
        assertEquals(77, memory.getPageFaults().getValue());
        assertEquals(0, memory.getMajorPageFaults().getValue());
    }

    @Test
    void aVanishedCgroupGivesTimestampsOnly() {
        Api.CpuUsage cpu = StatsRpcs.cpu(null, 7).build();
        assertEquals(7, cpu.getTimestamp());
        assertFalse(cpu.hasUsageCoreNanoSeconds());
        Api.MemoryUsage memory = StatsRpcs.memory(null, 7).build();
        assertFalse(memory.hasWorkingSetBytes() || memory.hasRssBytes() || memory.hasPageFaults());
        Api.MemoryUsage partial = StatsRpcs.memory(new CgroupStats.Memory(UNKNOWN, UNKNOWN, 8192, UNKNOWN, UNKNOWN,
                UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null), 7).build();
        assertFalse(partial.hasWorkingSetBytes());
        assertEquals(8192, partial.getRssBytes().getValue());
    }
}
