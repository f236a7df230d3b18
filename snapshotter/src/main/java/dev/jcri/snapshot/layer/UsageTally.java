package dev.jcri.snapshot.layer;

import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Disk usage of a layer counted while it is written, so that committing it needs no second walk
 * over every file (that walk, an lstat per entry, cost about a quarter of the extraction time).
 *
 * <p>Counts what {@code du} (and the walk it replaces) would: 512 × st_blocks and one inode per
 * inode. Regular files are measured on their open descriptor after their last change; other
 * non-directories right after they are made; directories only at the end, because adding
 * entries can grow them. A hardlink adds nothing (its inode is already counted).
 *
 * <p>Removing anything breaks the count (what was removed may have been counted, or may be a
 * whole tree): then {@link #result()} is empty and the caller walks the tree instead. That is
 * the rare case: a layer that overwrites its own entries. So is a layer of more than
 * {@link #MAX_DIRECTORIES} directories: remembering each until the end would cost heap without
 * bound, so the count gives up and the walk measures it.
 */
final class UsageTally {
    /** Directories remembered for measuring at the end; beyond, the tree is walked instead. */
    static final int MAX_DIRECTORIES = 32_768;

    private final List<Path> directories = new ArrayList<>();
    private final int maxDirectories;
    private long blocks;
    private long inodes;
    private boolean exact = true;

    UsageTally() {
        this(MAX_DIRECTORIES);
    }

    UsageTally(int maxDirectories) {
        this.maxDirectories = maxDirectories;
    }

    /** A regular file written by this layer, with its st_blocks. */
    void file(long allocatedBlocks) {
        blocks += allocatedBlocks;
        inodes++;
    }

    /** A new non-directory inode at {@code path} (symlink, device, fifo, whiteout, copied-up file). */
    void entry(Path path) throws IOException {
        blocks += PosixFiles.lstat(path).blocks();
        inodes++;
    }

    /** A directory this layer created (the root included), measured at {@link #result()}. */
    void directory(Path path) {
        if (!exact) {
            return;
        }
        if (directories.size() >= maxDirectories) {
            invalidate(); // too many to remember: the caller walks the tree
            return;
        }
        directories.add(path);
    }

    /** Something this layer had written was removed: the running count no longer holds. */
    void invalidate() {
        exact = false;
        directories.clear();
    }

    /** The usage, or empty if it must be measured by walking the tree. */
    Optional<ApplyStats.DiskUsage> result() throws IOException {
        if (!exact) {
            return Optional.empty();
        }
        long total = blocks;
        for (Path dir : directories) {
            total += PosixFiles.lstat(dir).blocks();
        }
        return Optional.of(new ApplyStats.DiskUsage(total * 512, inodes + directories.size()));
    }
}
