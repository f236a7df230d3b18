package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real overlay mounts as root. Each test gets a fresh base directory holding the store's root,
 * mount targets and a canary; at the end no mount may remain under it (a test that leaves one
 * fails, after the mount is removed so the next test starts clean).
 */
abstract class SnapshotterTestBase {
    @TempDir
    Path base;
    Path root;
    OverlaySnapshotter store;

    @BeforeEach
    void openStore() throws IOException {
        root = base.resolve("root");
        store = OverlaySnapshotter.open(root, false);
    }

    @AfterEach
    void noMountsLeftUnderTheTestRoot() throws IOException {
        List<MountInfo> left = MountInfo.under(base);
        for (MountInfo m : left) {
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH);
        }
        assertEquals(List.of(), left.stream().map(MountInfo::mountPoint).toList(), "mounts left behind");
    }

    Path target(String name) throws IOException {
        return Files.createDirectories(base.resolve("mnt").resolve(name));
    }

    void apply(String chainId, String parent, TestLayer layer) throws IOException {
        store.applyLayer(chainId, parent, layer.stream());
    }

    static List<Path> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
