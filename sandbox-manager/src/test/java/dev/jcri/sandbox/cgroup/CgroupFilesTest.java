package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFilesTest {

    @TempDir
    Path dir;

    @Test
    void numbersAreTolerant() {
        assertEquals(42, CgroupFiles.number(write(dir.resolve("n"), "42\n")));
        assertEquals(CgroupStats.UNLIMITED, CgroupFiles.number(write(dir.resolve("m"), "max\n")));
        assertEquals(CgroupStats.UNKNOWN, CgroupFiles.number(write(dir.resolve("g"), "garbage")));
        assertEquals(CgroupStats.UNKNOWN, CgroupFiles.number(dir.resolve("missing")));
    }

    @Test
    void flatKeyedSkipsLinesItCannotParse() {
        Path f = write(dir.resolve("memory.stat"), "anon 5\nbroken\nfile x\n\nshmem 0\n");
        assertEquals(Map.of("anon", 5L, "shmem", 0L), CgroupFiles.flatKeyed(f));
    }

    @Test
    void pressureWithOnlySomeOrGarbage() {
        CgroupStats.Pressure some = CgroupFiles.pressure(write(dir.resolve("cpu.pressure"),
                "some avg10=0.10 avg60=0.20 avg300=0.30 total=400\n"));
        assertEquals(new CgroupStats.Pressure(new CgroupStats.PressureLine(0.1, 0.2, 0.3, 400), null), some);
        assertNull(CgroupFiles.pressure(write(dir.resolve("bad.pressure"), "some avg10=x total=y\n")));
        assertNull(CgroupFiles.pressure(dir.resolve("missing.pressure")));
    }
}
