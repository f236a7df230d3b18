package dev.jcri.server.rpc;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.stats.CpuRates;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** A cgroup reading as CRI reports it: what the cgroup did not give stays unset, never 0. */
class StatsMessagesTest {

    private static final CgroupStats.Pressure PRESSURE = new CgroupStats.Pressure(
            new CgroupStats.PressureLine(1.5, 2.5, 3.5, 1234), new CgroupStats.PressureLine(0.5, 0.25, 0.125, 99));

    @Test
    void cpuAndMemoryReadingsBecomeCriUsage() {
        Api.CpuUsage cpu = StatsMessages.cpu(new CgroupStats.Cpu(5_000, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null),
                250_000_000, 7).build();
        assertEquals(7, cpu.getTimestamp());
        assertEquals(5_000, cpu.getUsageCoreNanoSeconds().getValue());
        assertEquals(250_000_000, cpu.getUsageNanoCores().getValue());
        assertFalse(cpu.hasPsi(), "cgroup v1 has no per-cgroup pressure: left unset");

        Api.MemoryUsage memory = StatsMessages.memory(new CgroupStats.Memory(16384, CgroupStats.UNLIMITED, 8192, 4096, 1024,
                77, 0, UNKNOWN, UNKNOWN, null), 7).build();
        assertEquals(15360, memory.getWorkingSetBytes().getValue());
        assertEquals(16384, memory.getUsageBytes().getValue());
        assertEquals(8192, memory.getRssBytes().getValue());
        assertEquals(77, memory.getPageFaults().getValue());
        assertEquals(0, memory.getMajorPageFaults().getValue());
        assertFalse(memory.hasAvailableBytes(), "no limit: nothing to be available against");
    }

    @Test
    void unknownCountersStayUnset() {
        Api.CpuUsage cpu = StatsMessages.cpu(new CgroupStats.Cpu(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null),
                CpuRates.UNKNOWN, 7).build();
        assertFalse(cpu.hasUsageCoreNanoSeconds() || cpu.hasUsageNanoCores());
        Api.MemoryUsage partial = StatsMessages.memory(new CgroupStats.Memory(UNKNOWN, UNKNOWN, 8192, UNKNOWN, UNKNOWN,
                UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null), 7).build();
        assertFalse(partial.hasWorkingSetBytes() || partial.hasMajorPageFaults() || partial.hasPageFaults());
        assertEquals(8192, partial.getRssBytes().getValue());
    }

    @Test
    void aLimitGivesAvailableBytesAndPressureBecomesPsiInNanoseconds() {
        Api.MemoryUsage memory = StatsMessages.memory(new CgroupStats.Memory(10_000, 50_000, 0, 0, 2_000, 0, 0, 0, 0,
                PRESSURE), 7).build();
        assertEquals(8_000, memory.getWorkingSetBytes().getValue());
        assertEquals(42_000, memory.getAvailableBytes().getValue());
        assertEquals(1_234_000, memory.getPsi().getSome().getTotal());
        assertEquals(1.5, memory.getPsi().getSome().getAvg10());
        assertEquals(0.125, memory.getPsi().getFull().getAvg300());
        assertEquals(99_000, memory.getPsi().getFull().getTotal());
    }

    @Test
    void networkHasEveryInterfaceAndEth0AsTheDefault() {
        Api.NetworkUsage n = StatsMessages.network(new NetworkReading(9, List.of(
                new InterfaceCounters("net1", 1, 2, 3, 4, 5, 6, 7, 8),
                new InterfaceCounters("eth0", 100, 1, 2, 0, 200, 1, 3, 0))));
        assertEquals(9, n.getTimestamp());
        assertEquals("eth0", n.getDefaultInterface().getName());
        assertEquals(100, n.getDefaultInterface().getRxBytes().getValue());
        assertEquals(2, n.getDefaultInterface().getRxErrors().getValue());
        assertEquals(200, n.getDefaultInterface().getTxBytes().getValue());
        assertEquals(3, n.getDefaultInterface().getTxErrors().getValue());
        assertEquals(List.of("net1", "eth0"), n.getInterfacesList().stream().map(Api.NetworkInterfaceUsage::getName).toList());

        Api.NetworkUsage noEth0 = StatsMessages.network(new NetworkReading(9, List.of(
                new InterfaceCounters("net1", 1, 2, 3, 4, 5, 6, 7, 8))));
        assertTrue(!noEth0.hasDefaultInterface() && noEth0.getInterfacesCount() == 1);
    }
}
