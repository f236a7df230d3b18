package dev.jcri.linux;

import java.nio.ByteBuffer;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.posix.FileStat;

/**
 * Creates new regular files and fills them through raw file descriptors: for extracting many
 * files (image layers), where a JDK FileChannel per file costs more than the file's syscalls.
 *
 * <p>Per file: {@code openat(O_CREAT|O_EXCL|O_NOFOLLOW)} relative to an open directory, writes,
 * then owner, mode, xattrs, times and size queries on the descriptor (never on a path, so nothing
 * can be swapped in between), close. Native memory (the copy buffer, the timespec pair, the stat
 * struct) is allocated once per creator and reused: no per-call allocation, unlike jnr-posix's
 * utimensat, which builds Timespec structs reflectively on every call.
 *
 * <p>One creator per thread: the scratch memory is shared by the files it creates and is not
 * guarded. Files must be used on the creator's thread; several may be open at once.
 */
public final class FileCreator {
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = Errno.EINTR.intValue();

    private final LibC libc = Native.libc();
    private final ByteBuffer buffer; // direct: write(2) reads it in place
    private final Pointer times = Memory.allocateDirect(Native.runtime(), 32); // struct timespec[2]
    private final FileStat stat = Native.posix().allocateStat();

    /** @param bufferSize bytes copied per write(2) call; 64 KiB .. 1 MiB is sensible */
    public FileCreator(int bufferSize) {
        this.buffer = ByteBuffer.allocateDirect(bufferSize);
    }

    /**
     * Creates {@code name} in {@code dir} with {@code permissions & 0777} (the umask applies), for
     * writing. Fails with EEXIST (see {@link NativeCallException#is}) if anything has that name,
     * a symlink included: nothing is ever written through a link.
     */
    public NewFile create(DirectoryHandle dir, String name, int permissions) throws NativeCallException {
        int fd = libc.openat(dir.fd(), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions & 0777);
        if (fd < 0) {
            throw new NativeCallException("open", subject(dir, name), Native.libcErrno());
        }
        return new NewFile(fd, dir, name);
    }

    private static String subject(DirectoryHandle dir, String name) {
        return dir.path().resolve(name).toString();
    }

    /** A file created by {@link #create}, open for writing until {@link #close}. */
    public final class NewFile implements AutoCloseable {
        private final DirectoryHandle dir;
        private final String name;
        private int fd;

        private NewFile(int fd, DirectoryHandle dir, String name) {
            this.fd = fd;
            this.dir = dir;
            this.name = name;
        }

        /** Appends {@code len} bytes; loops over short writes. */
        public void write(byte[] b, int off, int len) throws NativeCallException {
            while (len > 0) {
                int n = Math.min(len, buffer.capacity());
                buffer.clear();
                buffer.put(b, off, n).flip();
                while (buffer.hasRemaining()) {
                    long w = libc.write(fd, buffer, buffer.remaining());
                    if (w < 0) {
                        int errno = Native.libcErrno();
                        if (errno == EINTR) {
                            continue;
                        }
                        throw new NativeCallException("write", subject(), errno);
                    }
                    buffer.position(buffer.position() + (int) w);
                }
                off += n;
                len -= n;
            }
        }

        /** fchown(2). Clears setuid/setgid and security.capability, so it comes before chmod and xattrs. */
        public void chown(int uid, int gid) throws NativeCallException {
            check(libc.fchown(fd, uid, gid), "fchown");
        }

        /** fchmod(2) with all 07777 bits. */
        public void chmod(int permissions) throws NativeCallException {
            check(libc.fchmod(fd, permissions & 07777), "fchmod");
        }

        public void setXattr(String xattr, byte[] value) throws NativeCallException {
            if (libc.fsetxattr(fd, xattr, value, value.length, 0) < 0) {
                throw new NativeCallException("fsetxattr", subject() + " " + xattr, Native.libcErrno());
            }
        }

        /** futimens(2), to the nanosecond. */
        public void setTimes(long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos)
                throws NativeCallException {
            times.putLong(0, atimeSeconds);
            times.putLong(8, atimeNanos);
            times.putLong(16, mtimeSeconds);
            times.putLong(24, mtimeNanos);
            check(libc.futimens(fd, times), "futimens");
        }

        /** st_blocks from fstat(2): 512-byte units the file occupies now (what du counts). */
        public long allocatedBlocks() throws NativeCallException {
            if (Native.posix().fstat(fd, stat) < 0) {
                throw new NativeCallException("fstat", subject(), Native.posix().errno());
            }
            return stat.blocks();
        }

        /** close(2); an error here can mean lost data (e.g. on network filesystems), so it is reported. */
        @Override
        public void close() throws NativeCallException {
            if (fd >= 0) {
                int closing = fd;
                fd = -1;
                check(libc.close(closing), "close");
            }
        }

        private void check(int rc, String call) throws NativeCallException {
            if (rc < 0) {
                throw new NativeCallException(call, subject(), Native.libcErrno());
            }
        }

        private String subject() {
            return FileCreator.subject(dir, name);
        }
    }
}
