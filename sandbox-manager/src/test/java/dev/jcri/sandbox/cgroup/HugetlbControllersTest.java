package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugetlbControllersTest {

    @TempDir
    Path dir;

    @Test
    void v1WritesLimitInBytesPerPageSize() throws IOException {
        Path twoMb = write(dir.resolve("hugetlb.2MB.limit_in_bytes"), "9223372036854771712");
        Path oneGb = write(dir.resolve("hugetlb.1GB.limit_in_bytes"), "9223372036854771712");
        HugetlbV1.apply(dir, CgroupLimits.NONE.withHugepages(Map.of("2MB", 4L << 20, "1GB", 0L)));
        assertEquals(Long.toString(4L << 20), Files.readString(twoMb));
        assertEquals("0", Files.readString(oneGb));
    }

    @Test
    void aPageSizeIsPartOfAFileNameSoOnlyItsShapeIsAccepted() {
        for (String bad : List.of("../../memory/memory", "2MB.limit_in_bytes/x", "2 MB", "")) {
            assertThrows(IllegalArgumentException.class,
                    () -> HugetlbV1.apply(dir, CgroupLimits.NONE.withHugepages(Map.of(bad, 1L))), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> HugetlbV2.apply(dir, CgroupLimits.NONE.withHugepages(Map.of(bad, 1L))), bad);
        }
    }

    @Test
    void v1ReadsEverySizeItsDirectoryShowsButNotTheReservationFiles() {
        write(dir.resolve("hugetlb.2MB.limit_in_bytes"), "4194304");
        write(dir.resolve("hugetlb.2MB.usage_in_bytes"), "2097152");
        write(dir.resolve("hugetlb.2MB.max_usage_in_bytes"), "4194304");
        write(dir.resolve("hugetlb.2MB.failcnt"), "1");
        write(dir.resolve("hugetlb.2MB.rsvd.limit_in_bytes"), "4194304");
        write(dir.resolve("hugetlb.1GB.limit_in_bytes"), "9223372036854771712");
        assertEquals(List.of(new CgroupStats.Hugetlb("1GB", UNKNOWN, UNKNOWN, CgroupStats.UNLIMITED, UNKNOWN),
                new CgroupStats.Hugetlb("2MB", 2097152, 4194304, 4194304, 1)), HugetlbV1.read(dir));
        assertEquals(List.of(), HugetlbV1.read(dir.resolve("gone")));
    }

    @Test
    void v2WritesMaxAndReadsCurrentAndMaxEvents() throws IOException {
        Path max = write(dir.resolve("hugetlb.2MB.max"), "max");
        HugetlbV2.apply(dir, CgroupLimits.NONE.withHugepages(Map.of("2MB", 2L << 20)));
        assertEquals(Long.toString(2L << 20), Files.readString(max));
        write(dir.resolve("hugetlb.2MB.current"), "0");
        write(dir.resolve("hugetlb.2MB.events"), "max 2\n");
        write(dir.resolve("hugetlb.2MB.rsvd.max"), "max");
        assertEquals(List.of(new CgroupStats.Hugetlb("2MB", 0, UNKNOWN, 2L << 20, 2)), HugetlbV2.read(dir));
    }
}
