package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.PosixFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageVolumesTest {
    @TempDir
    Path dir;

    @Test
    void volumesThroughTheImagesSymlinksAreMadeInsideTheRootfs() throws Exception {
        String unique = "jcri-volume-" + UUID.randomUUID().toString().substring(0, 8);
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createSymbolicLink(rootfs.resolve("data"), Path.of("/etc"));
        Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../../../../../tmp"));
        ImageVolumes.create(rootfs, List.of("/data/" + unique, "/up/" + unique + "/deep"));
        assertTrue(Files.isDirectory(rootfs.resolve("etc").resolve(unique)));
        assertTrue(Files.isDirectory(rootfs.resolve("tmp").resolve(unique).resolve("deep")));
        assertEquals(0755, PosixFiles.lstat(rootfs.resolve("tmp").resolve(unique)).permissions());
        assertFalse(Files.exists(Path.of("/etc", unique)), "the host's /etc is untouched");
        assertFalse(Files.exists(Path.of("/tmp", unique)));
    }

    @Test
    void loopsAndFilesOnTheWayAreTheImagesFaultNamingTheVolume() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createSymbolicLink(rootfs.resolve("loop"), Path.of("/loop"));
        Files.writeString(rootfs.resolve("file"), "x");
        for (String volume : List.of("/loop/x", "/file/x")) {
            var e = assertThrows(JcriException.class, () -> ImageVolumes.create(rootfs, List.of(volume)));
            assertTrue(e.getMessage().startsWith("image.config.Volumes[\"" + volume + "\"]"), e.getMessage());
        }
    }
}
