package dev.jcri.snapshot.layer;

/**
 * What applying a layer did.
 *
 * @param entries      tar members processed (including whiteouts)
 * @param contentBytes bytes of regular file content written
 */
public record ApplyStats(long entries, long contentBytes) {}
