package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.Mounts;
import dev.jcri.snapshot.layer.ApplyStats;
import dev.jcri.snapshot.layer.LayerApplier;
import dev.jcri.snapshot.layer.LowerLayers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage counted while a layer is applied must equal what a walk of the result measures
 * (the walk it replaces at commit), on ext4 (the temp dir) and on tmpfs, whose block accounting
 * differs; and a layer that overwrites its own entries must fall back to the walk.
 */
class LayerUsageTest {
    @TempDir
    Path dir;

    private static TestLayer everyKind() {
        TestLayer l = TestLayer.pax()
                .dir("etc", 0755, 0, 0)
                .file("etc/hosts", "127.0.0.1 localhost\n")
                .file("etc/big", new byte[300_000], 0600, 1000, 1000, Map.of())
                .file("etc/empty", "")
                .file("bin/busybox", "elf".getBytes(StandardCharsets.UTF_8), 04755, 0, 0,
                        Map.of("user.note", "x".repeat(3000))) // an xattr this size takes its own block on ext4
                .hardlink("bin/sh", "bin/busybox")
                .symlink("bin/short", "busybox")
                .symlink("bin/long", "/" + "x".repeat(200)) // not a fast symlink: a block of its own on ext4
                .device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .fifo("dev/fifo")
                .whiteout("var/gone")
                .opaque("opt")
                .dir("srv", 02775, 0, 50)
                .file("srv/in-setgid", "x");
        for (int i = 0; i < 400; i++) { // enough names to grow the directory past one block
            l.file("usr/share/many/file-with-a-longish-name-" + i, "content " + i);
        }
        return l;
    }

    private ApplyStats apply(Path target, TestLayer layer) throws IOException {
        Files.createDirectories(target);
        return new LayerApplier(target, LowerLayers.none()).apply(layer.stream());
    }

    private static void assertCountedAsWalked(ApplyStats stats, Path tree) throws IOException {
        assertTrue(stats.diskUsage().isPresent(), "counted while applying");
        LayerStore.Usage walked = UsageCalculator.measure(tree);
        ApplyStats.DiskUsage counted = stats.diskUsage().get();
        assertEquals(walked, new LayerStore.Usage(counted.bytes(), counted.inodes()));
    }

    @Test
    void countedUsageEqualsTheWalkOnExt4() throws IOException {
        Path target = dir.resolve("ext4");
        assertCountedAsWalked(apply(target, everyKind()), target);
    }

    @Test
    void countedUsageEqualsTheWalkOnTmpfs() throws IOException {
        Path mnt = Files.createDirectories(dir.resolve("tmpfs"));
        Mounts.mount("usage-test", mnt, "tmpfs", 0, "size=64m");
        try {
            Path target = mnt.resolve("layer");
            assertCountedAsWalked(apply(target, everyKind()), target);
        } finally {
            Mounts.unmount(mnt, 0);
        }
    }

    @Test
    void aLayerOverwritingItsOwnEntriesIsWalked() throws IOException {
        for (TestLayer layer : List.of(
                TestLayer.pax().file("a", "one").file("a", "two, longer"),
                TestLayer.pax().file("d/x", "x").file("d", "a file replaces the tree"),
                TestLayer.pax().file("a", "x").whiteout("a"),
                TestLayer.pax().symlink("l", "t").dir("l"))) {
            Path target = Files.createTempDirectory(dir, "layer");
            assertFalse(apply(target, layer).diskUsage().isPresent());
        }
        // ...and the store measures such a layer by walking it.
        OverlaySnapshotter store = OverlaySnapshotter.open(dir.resolve("store"), false);
        store.applyLayer("sha256:twice", null, TestLayer.pax().file("a", "one").file("a", "two").stream());
        assertEquals(UsageCalculator.measure(store.contentDirectory("sha256:twice")),
                store.layerUsage("sha256:twice").orElseThrow());
    }

    @Test
    void storeRecordsTheCountedUsageOfALayerOnALowerOne() throws IOException {
        OverlaySnapshotter store = OverlaySnapshotter.open(dir.resolve("store"), false);
        store.applyLayer("sha256:low", null, TestLayer.pax().file("data/orig", "lower content").stream());
        store.applyLayer("sha256:up", "sha256:low", TestLayer.pax()
                .hardlink("data/alias", "data/orig") // copied up: a new inode in this layer
                .file("data/new", "n")
                .stream());
        assertEquals(UsageCalculator.measure(store.contentDirectory("sha256:up")),
                store.layerUsage("sha256:up").orElseThrow());
    }
}
