package dev.jcri.snapshot;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.RootDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Disk usage of a directory tree as {@code du} counts it: allocated blocks (not apparent sizes),
 * each inode once however many hardlinks point at it, symlinks not followed.
 *
 * <p>A writable layer is measured while its container runs and changes it: every path is resolved
 * inside the tree with no symlink followed anywhere on it ({@link RootDirectory#lstat}), so a
 * directory the container swaps for a symlink to "/" cannot lead the walk through the host, and
 * an entry deleted meanwhile is skipped rather than failing the measurement.
 *
 * <p>Walks the whole tree: used on demand for writable snapshots, and at commit only for a layer
 * whose usage could not be counted while it was applied (one that overwrote its own entries; see
 * {@code layer.UsageTally}).
 */
final class UsageCalculator {
    private UsageCalculator() {}

    static LayerStore.Usage measure(Path dir) throws IOException {
        long bytes = 0;
        long inodes = 0;
        Set<Long> multiplyLinked = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.push("");
        try (RootDirectory tree = RootDirectory.open(dir)) {
            while (!pending.isEmpty()) {
                String p = pending.pop();
                Optional<FileStatus> found = tree.lstat(p);
                if (found.isEmpty()) {
                    continue; // removed (or replaced by a symlink) by the running container meanwhile
                }
                FileStatus st = found.get();
                if (st.linkCount() > 1 && !st.isDirectory() && !multiplyLinked.add(st.inode())) {
                    continue; // another name of an inode already counted
                }
                inodes++;
                bytes += st.blocks() * 512;
                if (st.isDirectory()) {
                    for (String name : tree.list(p)) {
                        pending.push(p.isEmpty() ? name : p + "/" + name);
                    }
                }
            }
        }
        return new LayerStore.Usage(bytes, inodes);
    }
}
