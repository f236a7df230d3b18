package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.CgroupStats.UNLIMITED;
import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryControllersTest {

    @TempDir
    Path dir;

    private static final String V1_STAT = """
            cache 0
            rss 0
            hierarchical_memory_limit 104857600
            hierarchical_memsw_limit 209715200
            total_cache 4096
            total_rss 8192
            total_inactive_file 1024
            total_pgfault 77
            total_pgmajfault 3
            """;

    @Test
    void v1SetsTheLimitAndMemsw() throws IOException {
        Path limit = write(dir.resolve("memory.limit_in_bytes"), "9223372036854771712");
        Path memsw = write(dir.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712");
        MemoryV1.apply(dir, CgroupLimits.NONE.withMemory(100L << 20, 200L << 20));
        assertEquals(Long.toString(100L << 20), Files.readString(limit));
        assertEquals(Long.toString(200L << 20), Files.readString(memsw));
    }

    /** The kernel refuses memsw below memory at any moment: the order depends on the direction. */
    @Test
    void v1RaisesMemswFirstWhenTheNewLimitWouldExceedIt() {
        assertEquals(true, MemoryV1.memswFirst(300L << 20, 100L << 20), "growing past memsw");
        assertEquals(true, MemoryV1.memswFirst(-1, 100L << 20), "lifting the limit");
        assertEquals(false, MemoryV1.memswFirst(50L << 20, 100L << 20), "shrinking");
        assertEquals(false, MemoryV1.memswFirst(50L << 20, UNKNOWN), "no memsw to compare with");
    }

    @Test
    void v1ReadsHierarchicalTotalsAndSwapFromMemsw() {
        write(dir.resolve("memory.usage_in_bytes"), "16384");
        write(dir.resolve("memory.memsw.usage_in_bytes"), "20480");
        write(dir.resolve("memory.stat"), V1_STAT);
        CgroupStats.Memory m = MemoryV1.read(dir, true);
        assertEquals(new CgroupStats.Memory(16384, 104857600, 8192, 4096, 1024, 77, 3, 4096, 104857600, null), m);
        assertEquals(UNKNOWN, MemoryV1.read(dir, false).swapUsageBytes(), "swap only when asked");
        assertEquals(15360, m.workingSetBytes());
        assertEquals(104857600 - 15360, m.availableBytes());
        assertEquals(104857600 - 4096, m.swapAvailableBytes());
    }

    @Test
    void v1WithoutALimitOrSwapAccountingSaysSo() {
        write(dir.resolve("memory.usage_in_bytes"), "16384");
        write(dir.resolve("memory.stat"), "total_rss 8192\nhierarchical_memory_limit 9223372036854771712\n");
        CgroupStats.Memory m = MemoryV1.read(dir, true);
        assertEquals(UNLIMITED, m.limitBytes());
        assertEquals(UNKNOWN, m.availableBytes());
        assertEquals(UNKNOWN, m.swapUsageBytes());
        assertEquals(UNKNOWN, m.swapLimitBytes());
        assertEquals(16384, m.workingSetBytes(), "no inactive_file known: the whole usage");
    }

    @Test
    void v1ReadingOfAVanishedCgroupIsNone() {
        assertNull(MemoryV1.read(dir.resolve("gone"), true));
    }

    @Test
    void v2WritesMaxAndTheSwapPartOfMemoryPlusSwap() throws IOException {
        Path max = write(dir.resolve("memory.max"), "max");
        Path swap = write(dir.resolve("memory.swap.max"), "max");
        MemoryV2.apply(dir, CgroupLimits.NONE.withMemory(100L << 20, 150L << 20));
        assertEquals(Long.toString(100L << 20), Files.readString(max));
        assertEquals(Long.toString(50L << 20), Files.readString(swap));
        MemoryV2.apply(dir, CgroupLimits.NONE.withMemory(-1L, -1L));
        assertEquals("max", Files.readString(max));
        assertEquals("max", Files.readString(swap));
        assertThrows(IllegalArgumentException.class, () -> MemoryV2.swapMax(100L, 50L), "memory+swap below memory");
        assertThrows(IllegalArgumentException.class, () -> MemoryV2.swapMax(null, 50L), "swap without a memory limit");
    }

    @Test
    void v2ReadsCurrentStatMaxSwapAndPressure() {
        write(dir.resolve("memory.current"), "16384");
        write(dir.resolve("memory.stat"), "anon 8192\nfile 4096\ninactive_file 1024\npgfault 77\npgmajfault 3\n");
        write(dir.resolve("memory.max"), "max");
        write(dir.resolve("memory.swap.current"), "512");
        write(dir.resolve("memory.swap.max"), "1048576");
        write(dir.resolve("memory.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=9\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=4\n");
        CgroupStats.Memory plain = MemoryV2.read(dir, false, false);
        assertEquals(UNKNOWN, plain.swapUsageBytes());
        assertNull(plain.pressure());
        CgroupStats.Memory m = MemoryV2.read(dir, true, true);
        assertEquals(new CgroupStats.Memory(16384, UNLIMITED, 8192, 4096, 1024, 77, 3, 512, 1048576,
                new CgroupStats.Pressure(new CgroupStats.PressureLine(0, 0, 0, 9), new CgroupStats.PressureLine(0, 0, 0, 4))), m);
        assertEquals(1048576 - 512, m.swapAvailableBytes());
    }

    /** A v1 cgroup's detail files as kernel 6.x writes them (memory.oom_control has oom_kill since 4.13). */
    @Test
    void v1DetailReadsFailcntPeakKernelMemoryMappedFilesAndOomKills() {
        write(dir.resolve("memory.usage_in_bytes"), "16384");
        write(dir.resolve("memory.stat"), V1_STAT + "mapped_file 0\ntotal_mapped_file 12288\n");
        write(dir.resolve("memory.failcnt"), "7\n");
        write(dir.resolve("memory.max_usage_in_bytes"), "65536\n");
        write(dir.resolve("memory.kmem.usage_in_bytes"), "2048\n");
        write(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertNull(MemoryV1.read(dir, true).detail(), "only when asked");
        assertEquals(new CgroupStats.MemoryDetail(7, 65536, 2048, 12288, 2), MemoryV1.read(dir, true, true).detail());
    }

    @Test
    void v1DetailOfAnOldKernelLeavesWhatItLacksUnknown() {
        write(dir.resolve("memory.usage_in_bytes"), "16384");
        write(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
        assertEquals(new CgroupStats.MemoryDetail(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN), MemoryV1.read(dir, false, true).detail());
    }

    /** memory.stat and memory.events of a v2 cgroup as kernel 6.x writes them (trimmed), and memory.peak. */
    @Test
    void v2DetailReadsEventsPeakAndStat() {
        write(dir.resolve("memory.current"), "16384");
        write(dir.resolve("memory.stat"), """
                anon 8192
                file 4096
                kernel 3072
                kernel_stack 1024
                pagetables 512
                sec_pagetables 0
                percpu 256
                sock 0
                vmalloc 0
                shmem 0
                file_mapped 2048
                file_dirty 0
                slab 1280
                inactive_file 1024
                pgfault 77
                pgmajfault 3
                """);
        write(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n");
        write(dir.resolve("memory.peak"), "32768\n");
        assertNull(MemoryV2.read(dir, false, false).detail(), "only when asked");
        assertEquals(new CgroupStats.MemoryDetail(5, 32768, 3072, 2048, 1), MemoryV2.read(dir, false, false, true).detail());
    }

    /** Before 5.18 memory.stat has no kernel line (its parts instead), before 5.19 there is no memory.peak. */
    @Test
    void v2DetailOfAnOlderKernelSumsTheKernelPartsAndHasNoPeak() {
        write(dir.resolve("memory.current"), "16384");
        write(dir.resolve("memory.stat"), "anon 8192\nkernel_stack 1024\npagetables 512\npercpu 256\nsock 128\nslab 1280\n"
                + "file_mapped 0\n");
        write(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        assertEquals(new CgroupStats.MemoryDetail(0, UNKNOWN, 1024 + 512 + 256 + 128 + 1280, 0, 0),
                MemoryV2.read(dir, false, false, true).detail());
        assertEquals(UNKNOWN, MemoryV2.kernel(java.util.Map.of("anon", 1L)), "nothing to sum");
    }

    @Test
    void v2ReadingIsPartialWhenFilesVanish() {
        write(dir.resolve("memory.current"), "16384");
        CgroupStats.Memory m = MemoryV2.read(dir, true, true);
        assertEquals(16384, m.usageBytes());
        assertEquals(UNKNOWN, m.rssBytes());
        assertEquals(UNKNOWN, m.swapUsageBytes());
        assertNull(m.pressure());
        assertNull(MemoryV2.read(dir.resolve("gone"), true, true));
    }
}
