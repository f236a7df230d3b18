package dev.jcri.snapshot;

import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the snapshotter's root back to a consistent state at start, after a clean stop or a crash.
 *
 * <ul>
 *   <li>Mounts under the root are unmounted (lazily): the snapshotter never leaves anything mounted
 *       inside its own root, so any such mount is a leftover of a crash (or of a test).
 *       Container mounts live elsewhere and may still be in use: they are left alone, only
 *       forgotten if they are gone.</li>
 *   <li>The staging directory is emptied: it only holds layers being applied, snapshots being
 *       prepared and snapshots being deleted, none of which is visible to anyone.</li>
 *   <li>Snapshot directories are made private (0700) if an older version left them open.</li>
 *   <li>A snapshot directory without readable metadata cannot have been published by us (the
 *       metadata is written before the rename that publishes it) and is discarded.</li>
 * </ul>
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {}

    static Map<String, SnapshotRecord> run(Path root, Path snapshotsDir, Path stagingDir, MetadataStore metadata)
            throws IOException {
        for (MountInfo m : MountInfo.under(root)) {
            log.warn("unmounting stray mount {} ({}) left under the snapshot root", m.mountPoint(), m.fsType());
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH | MountFlags.UMOUNT_NOFOLLOW);
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(stagingDir)) {
            for (Path p : leftovers) {
                log.info("removing unfinished {}", p);
                TreeDeletion.delete(p);
            }
        }
        Map<String, SnapshotRecord> byKey = new HashMap<>();
        List<Path> broken = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshotsDir)) {
            for (Path dir : dirs) {
                SnapshotRecord r = null;
                try {
                    r = metadata.read(dir).orElse(null);
                } catch (IOException e) {
                    log.warn("unreadable snapshot metadata in {}: {}", dir, e.toString());
                }
                if (r == null || !dir.getFileName().toString().equals(Long.toString(r.id()))) {
                    broken.add(dir);
                    continue;
                }
                PrivateFiles.restrict(dir, PrivateFiles.DIRECTORY_MODE); // made 0755 by versions before issue #10
                byKey.put(r.key(), forgetVanishedMounts(r, dir, metadata));
            }
        }
        for (Path dir : broken) {
            log.warn("discarding {}: not a snapshot this store published", dir);
            Path trash = stagingDir.resolve(dir.getFileName() + "-broken");
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            TreeDeletion.delete(trash);
        }
        for (SnapshotRecord r : byKey.values()) {
            if (r.parent() != null && !byKey.containsKey(r.parent())) {
                log.error("snapshot {} has lost its parent {}; it cannot be mounted", r.key(), r.parent());
            }
        }
        return byKey;
    }

    private static SnapshotRecord forgetVanishedMounts(SnapshotRecord r, Path dir, MetadataStore metadata)
            throws IOException {
        if (r.mounts().isEmpty()) {
            return r;
        }
        List<String> still = new ArrayList<>();
        for (String target : r.mounts()) {
            if (Mounts.isMountPoint(Path.of(target))) {
                still.add(target);
            }
        }
        if (still.size() == r.mounts().size()) {
            return r;
        }
        SnapshotRecord updated = r.withMounts(still);
        metadata.write(dir, updated);
        return updated;
    }
}
