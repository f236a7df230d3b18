package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pids has the same files on v1 and v2, so one class and one test serve both versions. */
class PidsControllerTest {

    @TempDir
    Path dir;

    @Test
    void writesTheLimitAndMaxForNone() throws IOException {
        Path max = write(dir.resolve("pids.max"), "max");
        Pids.apply(dir, CgroupLimits.NONE.withPids(128L));
        assertEquals("128", Files.readString(max));
        Pids.apply(dir, CgroupLimits.NONE.withPids(0L));
        assertEquals("max", Files.readString(max));
        Pids.apply(dir, CgroupLimits.NONE.withPids(-1L));
        assertEquals("max", Files.readString(max));
    }

    @Test
    void readsCurrentAndMax() {
        write(dir.resolve("pids.current"), "7\n");
        write(dir.resolve("pids.max"), "max\n");
        assertEquals(new CgroupStats.Pids(7, CgroupStats.UNLIMITED), Pids.read(dir));
        write(dir.resolve("pids.max"), "100\n");
        assertEquals(new CgroupStats.Pids(7, 100), Pids.read(dir));
        assertNull(Pids.read(dir.resolve("gone")));
    }
}
