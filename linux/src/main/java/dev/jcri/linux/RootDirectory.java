package dev.jcri.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.DirectoryStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A directory that is "/" for every path looked up through it, as if the process were chrooted
 * there: a container's rootfs, seen from the host. Built on openat2(2) with RESOLVE_IN_ROOT, so
 * the kernel itself keeps ".." and symlinks (absolute ones too) inside the root, and with
 * RESOLVE_NO_MAGICLINKS, so /proc's magic links (/proc/self/root, /proc/PID/fd/N) are refused
 * instead of leading to the host.
 *
 * <p>Why not resolve symlinks in Java and then open the result by path: between the check and the
 * use, a component can be swapped for a symlink, and the kernel would follow it. Here every step
 * is a descriptor the kernel resolved inside the root; a directory is created with mkdirat(2) on
 * its parent's descriptor, never by path.
 *
 * <p>{@link #open} also refuses to cross a mount point below the root (RESOLVE_NO_XDEV): nothing
 * is mounted inside a rootfs before the runtime starts the container, so a mount there is not a
 * path jcri should follow. Paths are container paths ("/etc/passwd"); absolute and relative ones
 * mean the same. One owner: not thread-safe (the calls share scratch memory).
 */
public final class RootDirectory implements AutoCloseable {
    private static final long SYS_OPENAT2 = 437; // the same number on every architecture
    private static final long OPEN_HOW_SIZE = 24; // struct open_how { u64 flags, mode, resolve }
    private static final long RESOLVE_NO_XDEV = 0x01;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_IN_ROOT = 0x10;
    /** The kernel follows at most 40 symlinks in one lookup; the same budget for the ones followed here. */
    static final int MAX_SYMLINKS = 40;
    /** EAGAIN: a concurrent rename made the kernel unsure ".." stayed inside; retried this often. */
    private static final int MAX_RETRIES = 16;

    private static final int ENOENT = Errno.ENOENT.intValue();
    private static final int ENOTDIR = Errno.ENOTDIR.intValue();
    private static final int EEXIST = Errno.EEXIST.intValue();
    private static final int EINVAL = Errno.EINVAL.intValue();
    private static final int ELOOP = Errno.ELOOP.intValue();
    private static final int EAGAIN = Errno.EAGAIN.intValue();
    private static final int EINTR = Errno.EINTR.intValue();
    private static final int ENOSYS = Errno.ENOSYS.intValue();
    private static final int EPERM = Errno.EPERM.intValue();

    private final DirectoryHandle root;
    private final long resolve;
    /** struct open_how, reused by every call (one owner, see above). */
    private final Pointer how = Memory.allocateDirect(Native.runtime(), (int) OPEN_HOW_SIZE);

    private RootDirectory(DirectoryHandle root, long resolve) {
        this.root = root;
        this.resolve = resolve;
    }

    /**
     * Opens {@code dir} (a path jcri trusts, resolved normally; its last component must be a real
     * directory) as a root whose lookups stay on its own mount.
     */
    public static RootDirectory open(Path dir) throws NativeCallException {
        return new RootDirectory(DirectoryHandle.open(dir), RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
    }

    /** As {@link #open}, but lookups may cross mount points below the root (still never leave it). */
    public static RootDirectory openAcrossMounts(Path dir) throws NativeCallException {
        return new RootDirectory(DirectoryHandle.open(dir), RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    }

    /** The root's path on the host. */
    public Path path() {
        return root.path();
    }

    /** The directory at {@code path} inside the root, as an O_PATH handle (what the *at calls start from). */
    public DirectoryHandle openDirectory(String path) throws NativeCallException {
        int fd = openat2(root.fd(), path, DirectoryHandle.O_PATH | DirectoryHandle.O_DIRECTORY);
        if (fd < 0) {
            throw failure(-fd, path);
        }
        return new DirectoryHandle(hostView(path), fd);
    }

    /**
     * The content of the regular file at {@code path} inside the root; empty when there is none:
     * nothing by that name, a dangling symlink, a directory, a device or a FIFO (which are never
     * opened for reading, so opening them cannot block or act on a device).
     *
     * @param limit the most bytes accepted; a larger file fails with {@link FileTooLargeException}
     *              after at most {@code limit + 1} bytes were read
     */
    public Optional<byte[]> readRegularFile(String path, int limit) throws IOException {
        if (limit < 0 || limit == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("limit " + limit + " out of range");
        }
        int fd = openat2(root.fd(), path, DirectoryHandle.O_PATH);
        if (fd == -ENOENT || fd == -ENOTDIR) {
            return Optional.empty();
        }
        if (fd < 0) {
            throw failure(-fd, path);
        }
        try {
            FileStatus st = PosixFiles.fstat(fd, () -> hostView(path).toString());
            if (!st.isRegularFile()) {
                return Optional.empty();
            }
            if (st.size() > limit) {
                throw new FileTooLargeException(path, limit);
            }
            // Reopened for reading through the descriptor: the same inode, whatever the path is now.
            try (InputStream in = Files.newInputStream(Path.of("/proc/self/fd", Integer.toString(fd)))) {
                byte[] data = in.readNBytes(limit + 1);
                if (data.length > limit) {
                    throw new FileTooLargeException(path, limit); // it grew after fstat
                }
                return Optional.of(data);
            }
        } finally {
            Native.libc().close(fd);
        }
    }

    /**
     * Creates the directory {@code path} inside the root, and its missing parents, each with
     * {@code mode} exactly (set with fchmod: the umask would mask it). Existing directories are
     * left as they are. A symlink on the way is followed inside the root, a dangling one too (its
     * target is created, as the container would see it). Fails with ELOOP after
     * {@value #MAX_SYMLINKS} symlinks, with ENOTDIR when a component is not a directory.
     */
    public void makeDirectories(String path, int mode) throws NativeCallException {
        makeDirectories(path, mode, -1, -1);
    }

    /**
     * As {@link #makeDirectories(String, int)}, each directory it creates owned by {@code uid}:
     * {@code gid} (fchown on the new directory's own descriptor; -1 keeps the creator's), as a
     * user-namespaced container's root needs the directories made for it (on the node, its mapped
     * ids; owned by the node's root they would be nobody's inside).
     */
    public void makeDirectories(String path, int mode, int uid, int gid) throws NativeCallException {
        requireNoNul(path);
        Deque<String> todo = new ArrayDeque<>();
        pushComponents(todo, path);
        String done = ""; // the prefix resolved so far, as a path from the root
        int current = -1; // its O_PATH descriptor; -1 while it is the root itself
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                String next = done.isEmpty() ? name : done + "/" + name;
                int fd = openat2(root.fd(), next, DirectoryHandle.O_PATH | DirectoryHandle.O_DIRECTORY);
                if (fd == -ENOENT && !name.equals("..")) {
                    int parent = current < 0 ? root.fd() : current;
                    fd = createDirectory(parent, name, mode, uid, gid, next);
                    if (fd < 0) { // the name exists and does not resolve: a dangling symlink
                        if (++links > MAX_SYMLINKS) {
                            throw new NativeCallException("mkdirat", hostView(path).toString(), ELOOP);
                        }
                        String target = readlink(parent, name, next);
                        if (target.startsWith("/")) {
                            closeQuietly(current);
                            current = -1;
                            done = "";
                        }
                        pushComponents(todo, target);
                        continue;
                    }
                } else if (fd < 0) {
                    throw failure(-fd, next);
                }
                closeQuietly(current);
                current = fd;
                done = next;
            }
        } finally {
            closeQuietly(current);
        }
    }

    /**
     * What lstat(2) says about {@code path} inside the root, with no symlink followed anywhere on
     * the way (RESOLVE_NO_SYMLINKS) and a final one reported as itself: for walking a tree that
     * someone may be changing meanwhile (a running container's writable layer), where a directory
     * swapped for a symlink must not lead the walk elsewhere. Empty when the path is gone, or a
     * component is no longer a directory or has become a symlink.
     */
    public Optional<FileStatus> lstat(String path) throws NativeCallException {
        int fd = openat2(root.fd(), path, DirectoryHandle.O_PATH | DirectoryHandle.O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
        if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP) {
            return Optional.empty();
        }
        if (fd < 0) {
            throw failure(-fd, path);
        }
        try {
            return Optional.of(PosixFiles.fstat(fd, () -> hostView(path).toString()));
        } finally {
            Native.libc().close(fd);
        }
    }

    /**
     * The names in directory {@code path} inside the root, reached as {@link #lstat} reaches it (no
     * symlink on the way); empty when it is gone or no longer a directory.
     */
    public List<String> list(String path) throws IOException {
        int fd = openat2(root.fd(), path, DirectoryHandle.O_PATH | DirectoryHandle.O_DIRECTORY | DirectoryHandle.O_NOFOLLOW,
                RESOLVE_NO_SYMLINKS);
        if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP) {
            return List.of();
        }
        if (fd < 0) {
            throw failure(-fd, path);
        }
        List<String> names = new ArrayList<>();
        // Listed through the descriptor: the directory the kernel resolved, whatever the path is now.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd", Integer.toString(fd)))) {
            entries.forEach(e -> names.add(e.getFileName().toString()));
        } finally {
            Native.libc().close(fd);
        }
        return names;
    }

    @Override
    public void close() throws NativeCallException {
        root.close();
    }

    /**
     * mkdirat, then the new directory opened (never through a symlink) and chmod'ed; its
     * descriptor, or -1 when {@code name} already exists (EEXIST).
     */
    private static int createDirectory(int parent, String name, int mode, int uid, int gid, String shown)
            throws NativeCallException {
        LibC libc = Native.libc();
        if (libc.mkdirat(parent, name, mode & 07777) < 0) {
            int errno = Native.libcErrno();
            if (errno == EEXIST) {
                return -1;
            }
            throw new NativeCallException("mkdirat", shown, errno);
        }
        int fd = libc.openat(parent, name, DirectoryHandle.O_RDONLY | DirectoryHandle.O_DIRECTORY
                | DirectoryHandle.O_NOFOLLOW | DirectoryHandle.O_CLOEXEC, 0);
        Native.checkLibC(fd, "open", shown);
        if ((uid >= 0 || gid >= 0) && libc.fchown(fd, uid, gid) < 0) { // before fchmod: chown clears setgid
            int errno = Native.libcErrno();
            libc.close(fd);
            throw new NativeCallException("fchown", shown, errno);
        }
        if (libc.fchmod(fd, mode & 07777) < 0) {
            int errno = Native.libcErrno();
            libc.close(fd);
            throw new NativeCallException("fchmod", shown, errno);
        }
        return fd;
    }

    /** The target of the symlink {@code name} in {@code dir}; EEXIST if it is something else (a race). */
    private static String readlink(int dir, String name, String shown) throws NativeCallException {
        byte[] buf = new byte[4096]; // PATH_MAX: no longer target can be stored
        long n = Native.libc().readlinkat(dir, name, buf, buf.length);
        if (n < 0) {
            int errno = Native.libcErrno();
            throw new NativeCallException("readlinkat", shown, errno == EINVAL ? EEXIST : errno);
        }
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** openat2 with this root's resolve flags: the descriptor, or minus the errno. */
    private int openat2(int dirfd, String path, int flags) throws NativeCallException {
        return openat2(dirfd, path, flags, 0);
    }

    private int openat2(int dirfd, String path, int flags, long moreResolveFlags) throws NativeCallException {
        requireNoNul(path);
        how.putLong(0, (flags | DirectoryHandle.O_CLOEXEC) & 0xFFFFFFFFL);
        how.putLong(8, 0);
        how.putLong(16, resolve | moreResolveFlags);
        for (int attempt = 0; ; attempt++) {
            long fd = Native.libc().syscall(SYS_OPENAT2, dirfd, path.isEmpty() ? "." : path, how, OPEN_HOW_SIZE);
            if (fd >= 0) {
                return (int) fd;
            }
            int errno = Native.libcErrno();
            if (errno == ENOSYS || errno == EPERM) {
                throw new Openat2UnavailableException(hostView(path).toString(), errno);
            }
            if ((errno != EAGAIN && errno != EINTR) || attempt >= MAX_RETRIES) {
                return -errno;
            }
        }
    }

    private NativeCallException failure(int errno, String path) {
        return new NativeCallException("openat2", hostView(path) + " (resolved inside " + root.path() + ")", errno);
    }

    /** Where {@code path} would be if it contained no symlink: for messages only. */
    private Path hostView(String path) {
        return root.path().resolve(path.replaceFirst("^/+", ""));
    }

    private static void pushComponents(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    /** C would stop at a NUL and look up a shorter path than the one asked for. */
    private static void requireNoNul(String path) throws NativeCallException {
        if (path.indexOf('\0') >= 0) {
            throw new NativeCallException("openat2", path.replace("\0", "\\0") + " (contains a NUL byte)", EINVAL);
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            Native.libc().close(fd);
        }
    }
}
