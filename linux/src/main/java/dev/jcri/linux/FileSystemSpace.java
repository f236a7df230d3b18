package dev.jcri.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The size and inodes of the file system holding a path, from statvfs(3): what {@code df} and
 * {@code df -i} show. java.nio's FileStore gives the bytes but not the inodes.
 *
 * @param totalBytes     the file system's size
 * @param availableBytes what an unprivileged writer may still use (root may use the reserved rest)
 * @param inodes         inodes in total (0 on file systems that make them on demand, as btrfs)
 * @param freeInodes     inodes still free
 */
public record FileSystemSpace(long totalBytes, long availableBytes, long inodes, long freeInodes) {

    /** struct statvfs on 64-bit Linux (glibc): eleven 8-byte fields, then six ints of padding. */
    private static final int STRUCT_SIZE = 112;
    private static final int F_FRSIZE = 8;
    private static final int F_BLOCKS = 16;
    private static final int F_BAVAIL = 32;
    private static final int F_FILES = 40;
    private static final int F_FFREE = 48;

    public static FileSystemSpace of(Path path) throws NativeCallException {
        byte[] buf = new byte[STRUCT_SIZE];
        String p = path.toString();
        Native.checkLibC(Native.libc().statvfs(p, buf), "statvfs", p);
        return parse(buf);
    }

    static FileSystemSpace parse(byte[] statvfs) {
        ByteBuffer b = ByteBuffer.wrap(statvfs).order(ByteOrder.nativeOrder());
        long fragment = b.getLong(F_FRSIZE);
        return new FileSystemSpace(b.getLong(F_BLOCKS) * fragment, b.getLong(F_BAVAIL) * fragment,
                b.getLong(F_FILES), b.getLong(F_FFREE));
    }
}
