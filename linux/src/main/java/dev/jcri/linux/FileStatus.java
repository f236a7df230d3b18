package dev.jcri.linux;

/**
 * What lstat(2) says about a path, without following a final symlink.
 *
 * @param mode   type and permission bits (st_mode), test the type with the {@code S_IF*} constants
 * @param size   apparent size in bytes
 * @param blocks 512-byte blocks allocated (what disk usage counts)
 * @param rdevMajor device major for character/block devices, else 0
 * @param rdevMinor device minor for character/block devices, else 0
 */
public record FileStatus(int mode, int uid, int gid, long size, long blocks, long inode, long device,
                         int linkCount, int rdevMajor, int rdevMinor, long mtimeSeconds, long mtimeNanos) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    public int type() {
        return mode & S_IFMT;
    }

    /** Permission bits including setuid, setgid and sticky (07777). */
    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }

    public boolean isCharDevice() {
        return type() == S_IFCHR;
    }

    /** An overlayfs whiteout: a character device with device number 0:0. */
    public boolean isWhiteout() {
        return isCharDevice() && rdevMajor == 0 && rdevMinor == 0;
    }
}
