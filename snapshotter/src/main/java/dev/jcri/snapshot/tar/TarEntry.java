package dev.jcri.snapshot.tar;

import java.util.Map;

/**
 * One member of a tar archive after GNU long-name and PAX extended headers have been folded in.
 *
 * @param name        the member's path as written in the archive (not yet cleaned or made safe)
 * @param linkName    target of a symlink or hardlink, else ""
 * @param type        what kind of file it is
 * @param typeFlag    the raw ustar type flag (useful in messages about unsupported types)
 * @param permissions mode bits 07777 (including setuid, setgid, sticky)
 * @param size        bytes of content that follow the header (non-zero only for regular files)
 * @param mtimeNanos  nanoseconds part of the modification time (PAX headers carry fractions)
 * @param xattrs      extended attributes from PAX {@code SCHILY.xattr.*} / {@code LIBARCHIVE.xattr.*},
 *                    values as raw bytes (security.capability is binary)
 */
public record TarEntry(String name, String linkName, Type type, char typeFlag, int permissions, long uid, long gid,
                       long size, long mtimeSeconds, long mtimeNanos, int devMajor, int devMinor,
                       Map<String, byte[]> xattrs) {

    public enum Type { FILE, HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, DIRECTORY, FIFO, UNSUPPORTED }

    public boolean isDirectory() {
        return type == Type.DIRECTORY;
    }

    @Override
    public String toString() {
        return "tar entry '" + name + "' (type " + typeFlag + ")";
    }
}
