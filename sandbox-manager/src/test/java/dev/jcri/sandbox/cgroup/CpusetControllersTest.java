package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpusetControllersTest {

    @TempDir
    Path dir;

    @Test
    void bothVersionsWriteCpusAndMems() throws IOException {
        for (Path d : new Path[] {dir.resolve("v1"), dir.resolve("v2")}) {
            write(d.resolve("cpuset.cpus"), "");
            write(d.resolve("cpuset.mems"), "");
        }
        CgroupLimits limits = CgroupLimits.NONE.withCpuset("0-1", "0");
        CpusetV1.apply(dir.resolve("v1"), limits);
        CpusetV2.apply(dir.resolve("v2"), limits);
        for (Path d : new Path[] {dir.resolve("v1"), dir.resolve("v2")}) {
            assertEquals("0-1", Files.readString(d.resolve("cpuset.cpus")));
            assertEquals("0", Files.readString(d.resolve("cpuset.mems")));
        }
    }

    /** A new v1 cpuset cgroup has empty sets and refuses tasks until they are set. */
    @Test
    void aNewV1CgroupInheritsItsParentsSetsButKeepsItsOwn() throws IOException {
        write(dir.resolve("cpuset.cpus"), "0-3\n");
        write(dir.resolve("cpuset.mems"), "0\n");
        Path child = write(dir.resolve("pod/cpuset.cpus"), "\n").getParent();
        write(child.resolve("cpuset.mems"), "0\n");
        CpusetV1.inherit(child);
        assertEquals("0-3", Files.readString(child.resolve("cpuset.cpus")));
        assertEquals("0\n", Files.readString(child.resolve("cpuset.mems")), "already set: untouched");
        CpusetV1.inherit(dir.resolve("pod/none")); // not a cpuset directory: nothing to do
    }

    @Test
    void eachVersionReadsItsEffectiveFiles() {
        write(dir.resolve("v1/cpuset.effective_cpus"), "0-3\n");
        write(dir.resolve("v1/cpuset.effective_mems"), "0\n");
        write(dir.resolve("v2/cpuset.cpus.effective"), "1\n");
        assertEquals(new CgroupStats.Cpuset("0-3", "0"), CpusetV1.read(dir.resolve("v1")));
        assertEquals(new CgroupStats.Cpuset("1", ""), CpusetV2.read(dir.resolve("v2")), "partial: mems vanished");
        assertNull(CpusetV2.read(dir.resolve("gone")));
    }
}
