package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;
import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoControllersTest {

    @TempDir
    Path dir;

    @Test
    void v1WritesBlkioWeightOrBfqsWhenThatIsAllThereIs() throws IOException {
        Path bfq = write(dir.resolve("blkio.bfq.weight"), "100");
        BlkioV1.apply(dir, CgroupLimits.NONE.withBlkioWeight(500L));
        assertEquals("500", Files.readString(bfq));
        Path plain = write(dir.resolve("blkio.weight"), "100");
        BlkioV1.apply(dir, CgroupLimits.NONE.withBlkioWeight(300L));
        assertEquals("300", Files.readString(plain));
    }

    @Test
    void v1ReadsBytesAndOperationsPerDeviceFromTheThrottlingCounters() {
        write(dir.resolve("blkio.throttle.io_service_bytes_recursive"), """
                8:0 Read 4096
                8:0 Write 8192
                8:0 Sync 0
                8:0 Async 12288
                8:0 Discard 0
                8:0 Total 12288
                253:1 Read 512
                Total 12800
                """);
        write(dir.resolve("blkio.throttle.io_serviced_recursive"), "8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n");
        assertEquals(new CgroupStats.Io(List.of(new CgroupStats.IoDevice(253, 1, 512, UNKNOWN, UNKNOWN, UNKNOWN),
                new CgroupStats.IoDevice(8, 0, 4096, 8192, 1, 2)), null), BlkioV1.read(dir));
    }

    @Test
    void v1ReadingOfACgroupThatDidNoIoHasNoDevicesAndOfAVanishedOneIsNone() {
        write(dir.resolve("blkio.throttle.io_service_bytes_recursive"), "Total 0\n");
        assertEquals(new CgroupStats.Io(List.of(), null), BlkioV1.read(dir));
        assertNull(BlkioV1.read(dir.resolve("gone")));
    }

    @Test
    void v2WritesIoWeightMappedFromTheV1RangeOrBfqsAsItIs() throws IOException {
        Path weight = write(dir.resolve("io.weight"), "default 100");
        IoV2.apply(dir, CgroupLimits.NONE.withBlkioWeight(500L));
        assertEquals("default " + IoV2.blkioToIoWeight(500), Files.readString(weight));
        assertEquals(1, IoV2.blkioToIoWeight(10));
        assertEquals(10000, IoV2.blkioToIoWeight(1000));
        Path bfq = write(dir.resolve("io.bfq.weight"), "default 100");
        IoV2.apply(dir, CgroupLimits.NONE.withBlkioWeight(500L));
        assertEquals("500", Files.readString(bfq));
    }

    @Test
    void v2ReadsIoStatAndPressure() {
        write(dir.resolve("io.stat"), "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
                + "253:0 rbytes=10 wbytes=20 rios=1 wios=2\n");
        write(dir.resolve("io.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=2\n");
        CgroupStats.Io io = IoV2.read(dir, true);
        assertEquals(List.of(new CgroupStats.IoDevice(8, 16, 1459200, 314773504, 192, 353),
                new CgroupStats.IoDevice(253, 0, 10, 20, 1, 2)), io.devices());
        assertEquals(5, io.pressure().some().totalMicros());
    }

    @Test
    void v2ReadingOfACgroupThatDidNoIoHasNoDevicesAndOfAVanishedOneIsNone() {
        write(dir.resolve("io.stat"), "");
        assertEquals(new CgroupStats.Io(List.of(), null), IoV2.read(dir, true));
        assertNull(IoV2.read(dir.resolve("gone"), true));
    }
}
