package dev.jcri.snapshot.layer;

import java.util.Optional;

/**
 * What applying a layer did.
 *
 * @param entries      tar members processed (including whiteouts)
 * @param contentBytes bytes of regular file content written
 * @param diskUsage    the layer directory's disk usage counted while writing it, or empty when
 *                     the layer replaced or removed some of its own entries (then the caller
 *                     must measure the tree, see {@link UsageTally})
 */
public record ApplyStats(long entries, long contentBytes, Optional<DiskUsage> diskUsage) {

    /** As {@code du} counts: allocated bytes (512 × st_blocks), and inodes counted once each. */
    public record DiskUsage(long bytes, long inodes) {}
}
