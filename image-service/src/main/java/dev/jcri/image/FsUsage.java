package dev.jcri.image;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Disk usage of the image filesystem: committed layers of stored images plus the content store.
 *
 * @param mountpoint a directory on the filesystem that holds it (kubelet finds the device from it)
 */
public record FsUsage(Path mountpoint, long bytes, long inodes, Instant timestamp) {}
