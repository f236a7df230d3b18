package dev.jcri.linux;

import java.nio.file.Path;

/**
 * An open directory to create entries in by name (the *at calls), instead of by full path.
 *
 * <p>Why: creating many files in one directory by full path makes the kernel walk every
 * component again for each file; relative to an open directory it looks up one name. It is also
 * safer: once open, the directory cannot be swapped for a symlink under us.
 *
 * <p>Opened with O_PATH (no read permission needed, nothing but a handle), O_DIRECTORY and
 * O_NOFOLLOW: a final symlink is refused (ENOTDIR), never followed. Not thread-safe to close
 * while another thread uses it; one owner.
 */
public final class DirectoryHandle implements AutoCloseable {
    static final int O_RDONLY = 0;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    private final Path path;
    private int fd;

    /** Takes ownership of {@code fd}, an open directory; {@code path} names it in messages. */
    DirectoryHandle(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code dir}; intermediate components are resolved normally, the last must be a real directory. */
    public static DirectoryHandle open(Path dir) throws NativeCallException {
        String p = dir.toString();
        int fd = Native.libc().openat(AtFlags.AT_FDCWD, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        Native.checkLibC(fd, "open", p);
        return new DirectoryHandle(dir, fd);
    }

    /** The path it was opened by (for messages and for calls that still need a path). */
    public Path path() {
        return path;
    }

    int fd() {
        if (fd < 0) {
            throw new IllegalStateException("directory handle for " + path + " is closed");
        }
        return fd;
    }

    @Override
    public void close() throws NativeCallException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            Native.checkLibC(Native.libc().close(closing), "close", path.toString());
        }
    }
}
