package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The façade finds each controller where the node mounts it, and reads only what is asked. */
class ControllersDispatchTest {

    @TempDir
    Path tmp;

    @Test
    void v1ReadsEachControllerInItsOwnHierarchy() throws IOException {
        FixtureNode node = FixtureNode.hybrid(tmp);
        write(node.dir("cpu,cpuacct", "/p/c/cpuacct.usage"), "500");
        write(node.dir("memory", "/p/c/memory.usage_in_bytes"), "4096");
        write(node.dir("memory", "/p/c/memory.stat"), "total_inactive_file 1024\n");
        write(node.dir("pids", "/p/c/pids.current"), "3");
        write(node.dir("hugetlb", "/p/c/hugetlb.2MB.limit_in_bytes"), "0");
        Cgroups cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, tmp.resolve("claims"));

        CgroupStats usage = cgroups.stats("/p/c", EnumSet.of(Reading.CPU, Reading.MEMORY));
        assertEquals(500, usage.cpu().usageNanos());
        assertEquals(3072, usage.memory().workingSetBytes());
        assertNull(usage.pids(), "not asked");
        CgroupStats all = cgroups.stats("/p/c", EnumSet.allOf(Reading.class));
        assertEquals(3, all.pids().current());
        assertEquals("2MB", all.hugetlb().getFirst().pageSize());
        assertNull(all.io(), "blkio files vanished");

        CgroupStats gone = cgroups.stats("/p/gone", EnumSet.allOf(Reading.class));
        assertEquals(new CgroupStats(null, null, null, List.of(), null, null), gone);
    }

    /** The metrics' detail: v1 throttling from the cpu hierarchy even when cpuacct is mounted apart (as on these machines). */
    @Test
    void v1DetailFindsCpuStatInTheCpuHierarchyAndTheProcessesInPids() throws IOException {
        FixtureNode node = FixtureNode.legacy(tmp);
        write(node.dir("cpuacct", "/p/c/cpuacct.usage"), "500");
        write(node.dir("cpuacct", "/p/c/cpuacct.usage_user"), "300");
        write(node.dir("cpu", "/p/c/cpu.stat"), "nr_periods 4\nnr_throttled 1\nthrottled_time 900\n");
        write(node.dir("memory", "/p/c/memory.usage_in_bytes"), "4096");
        write(node.dir("memory", "/p/c/memory.failcnt"), "2");
        write(node.dir("pids", "/p/c/cgroup.procs"), "41\n42\n43\n");
        Cgroups cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, tmp.resolve("claims"));

        CgroupStats plain = cgroups.stats("/p/c", EnumSet.of(Reading.CPU, Reading.MEMORY));
        assertEquals(-1, plain.cpu().periods(), "the stats calls read cpuacct.usage alone");
        assertNull(plain.memory().detail());
        CgroupStats detail = cgroups.stats("/p/c", EnumSet.of(Reading.CPU, Reading.MEMORY, Reading.DETAIL));
        assertEquals(new CgroupStats.Cpu(500, 300, -1, 4, 1, 900, null), detail.cpu());
        assertEquals(2, detail.memory().detail().failCount());

        assertEquals(List.of(41L, 42L, 43L), cgroups.processIds("/p/c", 10));
        assertEquals(List.of(41L, 42L), cgroups.processIds("/p/c", 2), "read no further than asked");
        assertEquals(List.of(), cgroups.processIds("/p/gone", 10));
    }

    @Test
    void v1LimitsOnAControllerTheNodeDoesNotMountAreRefusedNamingIt() throws IOException {
        FixtureNode node = FixtureNode.legacy(tmp);
        Cgroups cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, tmp.resolve("claims"));
        IOException e = assertThrows(IOException.class, () -> cgroups.apply("/p", CgroupLimits.NONE.withBlkioWeight(100L)));
        assertTrue(e.getMessage().contains("blkio"), e.getMessage());
        Path shares = write(node.dir("cpu", "/p/cpu.shares"), "1024");
        cgroups.apply("/p", CgroupLimits.NONE.withCpu(2048L, null, null));
        assertEquals("2048", Files.readString(shares));
    }

    @Test
    void v2ReadsAndWritesOneDirectory() throws IOException {
        FixtureNode node = FixtureNode.unified(tmp);
        write(node.dir("", "/p/cpu.stat"), "usage_usec 2\n");
        write(node.dir("", "/p/io.stat"), "");
        Path max = write(node.dir("", "/p/memory.max"), "max");
        Cgroups cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, tmp.resolve("claims"));
        cgroups.apply("/p", CgroupLimits.NONE.withMemory(1L << 20, null));
        assertEquals(Long.toString(1L << 20), Files.readString(max));
        CgroupStats stats = cgroups.stats("/p", Set.of(Reading.CPU, Reading.IO, Reading.MEMORY));
        assertEquals(2000, stats.cpu().usageNanos());
        assertEquals(List.of(), stats.io().devices());
        assertNull(stats.memory(), "neither memory.current nor memory.stat: no reading");
    }

    /** A v2 cgroup only has the controllers its parent hands down in cgroup.subtree_control. */
    @Test
    void v2ParentsHandTheirControllersDownToTheCgroupsJcriCreates() throws IOException {
        FixtureNode node = FixtureNode.unified(tmp);
        write(node.dir("", "/cgroup.controllers"), "cpu memory");
        write(node.dir("", "/cgroup.subtree_control"), "cpu");
        Cgroups cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, tmp.resolve("claims"));
        cgroups.createPodCgroup("pod1", "/pod1", CgroupLimits.NONE);
        assertEquals("+memory", Files.readString(node.dir("", "/cgroup.subtree_control")), "only what was not enabled yet");
    }
}
