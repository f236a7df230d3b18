package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuControllersTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) {
        return write(dir.resolve(name), content);
    }

    @Test
    void v1WritesSharesThenPeriodThenQuota() throws IOException {
        Path shares = file("cpu.shares", "1024");
        Path period = file("cpu.cfs_period_us", "100000");
        Path quota = file("cpu.cfs_quota_us", "-1");
        CpuV1.apply(dir, CgroupLimits.NONE.withCpu(512L, 25_000L, 50_000L));
        assertEquals("512", Files.readString(shares));
        assertEquals("50000", Files.readString(period));
        assertEquals("25000", Files.readString(quota));
    }

    @Test
    void aMissingFileIsAnErrorNamingItAndIsNeverCreated() {
        IOException e = assertThrows(IOException.class, () -> CpuV1.apply(dir, CgroupLimits.NONE.withCpu(512L, null, null)));
        assertTrue(e.getMessage().contains("cpu.shares") && e.getMessage().contains("512"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("cpu.shares")));
    }

    @Test
    void v1ReadsUsageFromCpuacctAlone() {
        Path cpuacct = write(dir.resolve("cpuacct/pod/cpuacct.usage"), "123456789\n").getParent();
        write(cpuacct.resolve("cpuacct.stat"), "user 10\nsystem 5\n");
        assertEquals(new CgroupStats.Cpu(123_456_789, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, null), CpuV1.read(cpuacct));
        assertNull(CpuV1.read(dir.resolve("gone")));
    }

    /** The metrics' detail on v1: user/system in nanoseconds from cpuacct, throttling from the cpu hierarchy's cpu.stat. */
    @Test
    void v1DetailReadsUserSystemAndThrottling() {
        Path cpuacct = write(dir.resolve("cpuacct/pod/cpuacct.usage"), "123456789\n").getParent();
        write(cpuacct.resolve("cpuacct.usage_user"), "100000000\n");
        write(cpuacct.resolve("cpuacct.usage_sys"), "23456789\n");
        Path cpu = write(dir.resolve("cpu/pod/cpu.stat"), "nr_periods 12\nnr_throttled 3\nthrottled_time 4500000\n"
                + "nr_bursts 0\nburst_time 0\n").getParent();
        assertEquals(new CgroupStats.Cpu(123_456_789, 100_000_000, 23_456_789, 12, 3, 4_500_000, null),
                CpuV1.readDetail(cpuacct, cpu));
        assertEquals(new CgroupStats.Cpu(123_456_789, 100_000_000, 23_456_789, UNKNOWN, UNKNOWN, UNKNOWN, null),
                CpuV1.readDetail(cpuacct, null), "no cpu hierarchy: no throttling");
        assertNull(CpuV1.readDetail(dir.resolve("gone"), cpu));
    }

    @Test
    void v2WritesWeightAndMax() throws IOException {
        Path weight = file("cpu.weight", "100");
        Path max = file("cpu.max", "max 100000");
        CpuV2.apply(dir, CgroupLimits.NONE.withCpu(1024L, 50_000L, 100_000L));
        assertEquals("39", Files.readString(weight));
        assertEquals("50000 100000", Files.readString(max));
        CpuV2.apply(dir, CgroupLimits.NONE.withCpu(null, -1L, 200_000L));
        assertEquals("max 200000", Files.readString(max), "quota -1 lifts the quota");
        CpuV2.apply(dir, CgroupLimits.NONE.withCpu(null, 30_000L, null));
        assertEquals("30000", Files.readString(max), "the kernel keeps the period in force");
    }

    @Test
    void v2ReadsCpuStatInNanosecondsAndPressure() {
        file("cpu.stat", "usage_usec 1000\nuser_usec 600\nsystem_usec 400\nnr_periods 8\nnr_throttled 2\nthrottled_usec 30\n"
                + "nr_bursts 0\nburst_usec 0\n");
        file("cpu.pressure", "some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=10\n");
        CgroupStats.Cpu cpu = CpuV2.read(dir, true);
        assertEquals(new CgroupStats.Cpu(1_000_000, 600_000, 400_000, 8, 2, 30_000, new CgroupStats.Pressure(
                new CgroupStats.PressureLine(1.5, 0.25, 0, 12345), new CgroupStats.PressureLine(0, 0, 0, 10))), cpu);
        assertNull(CpuV2.read(dir, false).pressure(), "pressure only when asked");
    }

    @Test
    void v2WithoutPressureOrStatIsPartialOrNone() {
        file("cpu.stat", "usage_usec 5\n");
        CgroupStats.Cpu cpu = CpuV2.read(dir, true);
        assertEquals(5000, cpu.usageNanos());
        assertEquals(UNKNOWN, cpu.periods());
        assertNull(cpu.pressure());
        assertNull(CpuV2.read(dir.resolve("gone"), true));
    }
}
