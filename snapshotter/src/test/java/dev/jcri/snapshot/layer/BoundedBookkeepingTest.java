package dev.jcri.snapshot.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the layer applier remembers per directory is bounded: a layer of countless directories
 * must not cost heap in proportion, and what falls out is recovered from the disk.
 */
class BoundedBookkeepingTest {

    @TempDir
    Path root;

    @Test
    void directoryTimesWaitingAreBoundedTheOldestAppliedEarly() throws IOException {
        DirectoryTimes times = new DirectoryTimes(3);
        for (int i = 0; i < 5; i++) {
            Path d = Files.createDirectory(root.resolve("d" + i));
            times.record(d, 1_000_000 + i, 0);
        }
        assertEquals(3, times.pending());
        assertEquals(1_000_000, PosixFiles.lstat(root.resolve("d0")).mtimeSeconds(), "applied when it fell out");
        assertEquals(1_000_001, PosixFiles.lstat(root.resolve("d1")).mtimeSeconds());
        times.applyAll();
        assertEquals(1_000_004, PosixFiles.lstat(root.resolve("d4")).mtimeSeconds());
        assertEquals(0, times.pending());
    }

    @Test
    void resolvedDirectoriesAreCachedWithinALimitAndGroupInheritanceSurvivesEviction() throws IOException {
        DirectoryResolver dirs = new DirectoryResolver(root, LowerLayers.none(), new DirectoryTimes(), new UsageTally(), 4);
        Path shared = dirs.resolve(List.of("shared"), "shared/x");
        PosixFiles.chmod(shared, 02775);
        PosixFiles.lchown(shared, 0, 1234);
        dirs.remember(shared, 02775, 1234);
        for (int i = 0; i < 100; i++) {
            dirs.resolve(List.of("a", "b" + i), "a/b" + i + "/f");
        }
        assertTrue(dirs.knownCount() <= 4, "known: " + dirs.knownCount());
        assertTrue(dirs.setsGroup(root.resolve("shared")), "read back from the disk once forgotten");
        assertFalse(dirs.setsGroup(root.resolve("a")));
        assertEquals(root.resolve("a/b7"), dirs.resolve(List.of("a", "b7"), "a/b7/f"), "resolved again when met again");
    }

    @Test
    void usageGivesUpCountingPastItsDirectoryLimit() throws IOException {
        UsageTally usage = new UsageTally(2);
        usage.directory(root);
        usage.directory(Files.createDirectory(root.resolve("one")));
        assertTrue(usage.result().isPresent());
        usage.directory(Files.createDirectory(root.resolve("two")));
        assertTrue(usage.result().isEmpty(), "the caller walks the tree instead");
    }
}
