package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.PosixFiles;
import dev.jcri.snapshot.layer.LayerApplyException;
import dev.jcri.snapshot.tar.TarFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken layers: nothing may be written outside the snapshot root (a canary directory
 * next to it must stay as it was), and a failed layer leaves nothing behind.
 */
class LayerSafetyTest extends SnapshotterTestBase {
    Path canary;
    String canaryAbs;
    String up; // enough ".." to climb from the layer's directory to "/"

    @BeforeEach
    void plantCanary() throws IOException {
        canary = Files.createDirectories(base.resolve("canary"));
        Files.writeString(canary.resolve("file"), "original");
        canaryAbs = canary.toString();
        up = "../".repeat(30);
    }

    private void assertCanaryUntouched() throws IOException {
        assertEquals(List.of(canary.resolve("file")), listing(canary));
        assertEquals("original", Files.readString(canary.resolve("file")));
        assertEquals(1, PosixFiles.lstat(canary.resolve("file")).linkCount());
    }

    @Test
    void dotDotAndAbsoluteNamesStayInside() throws IOException {
        apply("sha256:dotdot", null, TestLayer.pax()
                .file(up + canaryAbs.substring(1) + "/escaped1", "x")
                .file(canaryAbs + "/escaped2", "x")
                .file("a/../../../../" + "escaped3", "x"));
        assertCanaryUntouched();
        Path fs = store.contentDirectory("sha256:dotdot");
        assertTrue(Files.exists(fs.resolve(canaryAbs.substring(1)).resolve("escaped1")), "neutralised inside the layer");
        assertTrue(Files.exists(fs.resolve(canaryAbs.substring(1)).resolve("escaped2")));
        assertTrue(Files.exists(fs.resolve("escaped3")));
    }

    @Test
    void writesThroughPlantedSymlinksStayInside() throws IOException {
        apply("sha256:symlinks", null, TestLayer.pax()
                .symlink("abs", canaryAbs)
                .file("abs/pwned", "x")
                .symlink("rel", up + canaryAbs.substring(1))
                .file("rel/pwned2", "x")
                .symlink("dir/nested", "../abs")
                .file("dir/nested/pwned3", "x")
                .symlink("overwrite", canaryAbs + "/file")
                .file("overwrite", "replaces the link, not its target"));
        assertCanaryUntouched();
        Path fs = store.contentDirectory("sha256:symlinks");
        Path inside = fs.resolve(canaryAbs.substring(1));
        assertTrue(Files.exists(inside.resolve("pwned")), "followed as if chrooted into the layer");
        assertTrue(Files.exists(inside.resolve("pwned2")));
        assertTrue(Files.exists(inside.resolve("pwned3")));
        assertFalse(PosixFiles.lstat(fs.resolve("overwrite")).isSymlink());
    }

    @Test
    void symlinkInALowerLayerIsFollowedInsideTheChain() throws IOException {
        apply("sha256:base", null, TestLayer.pax().dir("usr/lib").symlink("lib", "usr/lib").symlink("evil", canaryAbs));
        apply("sha256:top", "sha256:base", TestLayer.pax().file("lib/libx.so", "so").file("evil/pwned", "x"));
        assertCanaryUntouched();
        Path fs = store.contentDirectory("sha256:top");
        assertEquals("so", Files.readString(fs.resolve("usr/lib/libx.so")), "as overlay copy-up would place it");
        assertFalse(Files.exists(fs.resolve("lib")), "the lower symlink is not hidden by a new directory");
        assertTrue(Files.exists(fs.resolve(canaryAbs.substring(1)).resolve("pwned")));
    }

    @Test
    void hardlinksCannotReachOutside() throws IOException {
        assertThrows(LayerApplyException.class, () -> apply("sha256:hl1", null,
                TestLayer.pax().hardlink("steal", up + canaryAbs.substring(1) + "/file")));
        assertThrows(LayerApplyException.class, () -> apply("sha256:hl2", null,
                TestLayer.pax().symlink("door", canaryAbs).hardlink("steal", "door/file")));
        assertCanaryUntouched();
        assertFalse(store.hasLayer("sha256:hl1"));
        assertFalse(store.hasLayer("sha256:hl2"));
        assertNothingStaged();
    }

    @Test
    void symlinkLoopIsRefused() throws IOException {
        LayerApplyException e = assertThrows(LayerApplyException.class, () -> apply("sha256:loop", null,
                TestLayer.pax().symlink("loop", "loop").file("loop/x", "x")));
        assertTrue(e.getMessage().contains("too many levels"), e.getMessage());
        assertNothingStaged();
    }

    @Test
    void nulInANameIsRefusedNotCut() throws IOException {
        // C would see "etc/passwd" and replace it; the name is refused instead.
        LayerApplyException e = assertThrows(LayerApplyException.class, () -> apply("sha256:nul", null,
                TestLayer.pax().file("etc/passwd", "root").rawPax("path", "etc/passwd\0.bak".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)).file("ignored", "x")));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertFalse(store.hasLayer("sha256:nul"));
        assertNothingStaged();
    }

    @Test
    void truncatedLayerLeavesNothing() throws IOException {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 7);
        byte[] tar = TestLayer.pax().dir("d").file("d/small", "s")
                .file("d/big", big, 0644, 0, 0, Map.of()).bytes();
        byte[] cut = Arrays.copyOf(tar, tar.length / 2);
        TarFormatException e = assertThrows(TarFormatException.class,
                () -> store.applyLayer("sha256:cut", null, new java.io.ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertFalse(store.hasLayer("sha256:cut"));
        assertNothingStaged();
        assertEquals(List.of(), listing(root.resolve("snapshots")));
    }

    @Test
    void corruptHeaderIsRejected() throws IOException {
        byte[] tar = TestLayer.pax().file("a", "a").file("b", "b").bytes();
        tar[1024 + 10] ^= 0x55; // inside the second member's header name: checksum no longer matches
        TarFormatException e = assertThrows(TarFormatException.class,
                () -> store.applyLayer("sha256:corrupt", null, new java.io.ByteArrayInputStream(tar)));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertFalse(store.hasLayer("sha256:corrupt"));
        assertNothingStaged();
    }

    private void assertNothingStaged() throws IOException {
        assertEquals(List.of(), listing(root.resolve("staging")));
    }
}
