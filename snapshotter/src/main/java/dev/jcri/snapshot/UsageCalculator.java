package dev.jcri.snapshot;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Disk usage of a directory tree as {@code du} counts it: allocated blocks (not apparent sizes),
 * each inode once however many hardlinks point at it, symlinks not followed.
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
        Deque<Path> pending = new ArrayDeque<>();
        pending.push(dir);
        while (!pending.isEmpty()) {
            Path p = pending.pop();
            FileStatus st = PosixFiles.lstat(p);
            if (st.linkCount() > 1 && !st.isDirectory() && !multiplyLinked.add(st.inode())) {
                continue; // another name of an inode already counted
            }
            inodes++;
            bytes += st.blocks() * 512;
            if (st.isDirectory()) {
                try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
                    for (Path child : children) {
                        pending.push(child);
                    }
                }
            }
        }
        return new LayerStore.Usage(bytes, inodes);
    }
}
