package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDevicesTest {

    @TempDir
    Path sys;

    @Test
    void namesADeviceByItsSysfsLink() throws IOException {
        Path block = Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(block.resolve("254:0"), Path.of("../../devices/pci0000:00/0000:00:04.0/virtio2/block/vda"));
        assertEquals(Optional.of("/dev/vda"), BlockDevices.devicePath(sys, 254, 0));
        assertEquals(Optional.empty(), BlockDevices.devicePath(sys, 8, 0), "unknown number");
    }
}
