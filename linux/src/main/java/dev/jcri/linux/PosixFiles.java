package dev.jcri.linux;

import java.nio.file.Path;
import java.util.Optional;
import jnr.constants.platform.Errno;
import jnr.posix.FileStat;
import jnr.posix.NanosecondFileStat;

/**
 * File operations java.nio cannot do: device nodes, numeric ownership of symlinks, full mode bits
 * (setuid/setgid/sticky), nanosecond times on symlinks, lstat with inode and block counts, syncfs.
 *
 * <p>All calls act on the path itself and never follow a final symlink unless the name says so
 * ({@link #chown}, {@link #chmod} follow; chmod on a symlink is meaningless on Linux anyway).
 * Uses jnr-posix where it has the call and {@link LibC} where it does not.
 */
public final class PosixFiles {
    private PosixFiles() {}

    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    private static final class UmaskHolder {
        static final int UMASK = readUmask();
    }

    /**
     * The process umask, read once from /proc/self/status (Linux 4.7+): umask(2) can only be read
     * by setting it, which would race with every thread creating files meanwhile. The daemon does
     * not change its umask while running.
     */
    public static int umask() {
        return UmaskHolder.UMASK;
    }

    private static int readUmask() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).strip(), 8);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // fall through: assume the most restrictive common value, callers then chmod more often
        }
        return 077;
    }

    /** makedev(3) for glibc's 64-bit dev_t layout. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    /**
     * mknod(2): {@code type} is {@link FileStatus#S_IFCHR}, {@link FileStatus#S_IFBLK} or
     * {@link FileStatus#S_IFIFO}. The umask applies to {@code permissions}; chmod afterwards for exact bits.
     */
    public static void mknod(Path path, int type, int permissions, int major, int minor) throws NativeCallException {
        String p = path.toString();
        Native.checkLibC(Native.libc().mknod(p, type | (permissions & 07777), makedev(major, minor)), "mknod", p);
    }

    /** mkfifo(3); the umask applies. */
    public static void mkfifo(Path path, int permissions) throws NativeCallException {
        String p = path.toString();
        Native.checkPosix(Native.posix().mkfifo(p, permissions & 07777), "mkfifo", p);
    }

    /**
     * symlink(2) with the target string exactly as given (java.nio would normalise it, e.g. drop a
     * trailing slash, and an image's symlink must stay byte-for-byte what the layer says).
     */
    public static void symlink(String target, Path link) throws NativeCallException {
        String p = link.toString();
        Native.checkPosix(Native.posix().symlink(target, p), "symlink", p + " -> " + target);
    }

    /** readlink(2): the target string exactly as stored. */
    public static String readlink(Path link) throws java.io.IOException {
        return Native.posix().readlink(link.toString());
    }

    /** lchown(2): numeric owner of the path itself, also for symlinks. Clears setuid/setgid and file capabilities. */
    public static void lchown(Path path, int uid, int gid) throws NativeCallException {
        String p = path.toString();
        Native.checkPosix(Native.posix().lchown(p, uid, gid), "lchown", p);
    }

    /** chown(2), following symlinks. */
    public static void chown(Path path, int uid, int gid) throws NativeCallException {
        String p = path.toString();
        Native.checkPosix(Native.posix().chown(p, uid, gid), "chown", p);
    }

    /** chmod(2) with all 07777 bits (java.nio's PosixFilePermission has no setuid/setgid/sticky). */
    public static void chmod(Path path, int permissions) throws NativeCallException {
        String p = path.toString();
        Native.checkPosix(Native.posix().chmod(p, permissions & 07777), "chmod", p);
    }

    /** utimensat(2) with AtFlags.AT_SYMLINK_NOFOLLOW: sets atime and mtime of the path itself, to the nanosecond. */
    public static void setTimes(Path path, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos)
            throws NativeCallException {
        String p = path.toString();
        int rc = Native.posix().utimensat(AtFlags.AT_FDCWD, p, new long[] {atimeSeconds, atimeNanos},
                new long[] {mtimeSeconds, mtimeNanos}, AtFlags.AT_SYMLINK_NOFOLLOW);
        Native.checkPosix(rc, "utimensat", p);
    }

    /** lstat(2), or empty if the path does not exist. */
    public static Optional<FileStatus> lstatIfExists(Path path) throws NativeCallException {
        String p = path.toString();
        FileStat st = Native.posix().allocateStat();
        if (Native.posix().lstat(p, st) < 0) {
            int errno = Native.posix().errno();
            if (errno == Errno.ENOENT.intValue() || errno == Errno.ENOTDIR.intValue()) {
                return Optional.empty();
            }
            throw new NativeCallException("lstat", p, errno);
        }
        return Optional.of(toStatus(st));
    }

    /** lstat(2); a missing path is an error. */
    public static FileStatus lstat(Path path) throws NativeCallException {
        String p = path.toString();
        FileStat st = Native.posix().allocateStat();
        Native.checkPosix(Native.posix().lstat(p, st), "lstat", p);
        return toStatus(st);
    }

    /** fstat(2) of an open descriptor (an O_PATH one too); {@code subject} names it if it fails. */
    static FileStatus fstat(int fd, java.util.function.Supplier<String> subject) throws NativeCallException {
        FileStat st = Native.posix().allocateStat();
        if (Native.posix().fstat(fd, st) < 0) {
            throw new NativeCallException("fstat", subject.get(), Native.posix().errno());
        }
        return toStatus(st);
    }

    private static FileStatus toStatus(FileStat st) {
        long nanos = st instanceof NanosecondFileStat ns ? ns.mTimeNanoSecs() : 0;
        long rdev = st.rdev();
        return new FileStatus(st.mode(), st.uid(), st.gid(), st.st_size(), st.blocks(), st.ino(), st.dev(),
                st.nlink(), major(rdev), minor(rdev), st.mtime(), nanos);
    }

    /** major(3) for glibc's dev_t layout. */
    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    /** minor(3) for glibc's dev_t layout. */
    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    /**
     * syncfs(2) on the filesystem holding {@code path}: one call that makes a whole tree durable,
     * instead of an fsync per file (what makes per-file fsync extraction slow).
     */
    public static void syncfs(Path path) throws NativeCallException {
        String p = path.toString();
        int fd = Native.posix().open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        Native.checkPosix(fd, "open", p);
        try {
            Native.checkLibC(Native.libc().syncfs(fd), "syncfs", p);
        } finally {
            Native.posix().close(fd);
        }
    }
}
