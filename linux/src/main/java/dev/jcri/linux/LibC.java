package dev.jcri.linux;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/**
 * The libc.so.6 functions jnr-posix does not bind, declared for jnr-ffi.
 *
 * <p>Public only because jnr-ffi generates its implementation elsewhere; callers use the façades ({@link Mounts}, {@link PosixFiles},
 * {@link Xattrs}, {@link Namespaces}, {@link RootDirectory}), which turn a -1 return into a {@link NativeCallException}.
 * Every call saves errno so the façade can read it right after the call, on the same thread.
 * To add a call: declare it here with {@code @SaveError}, wrap it in the façade it belongs to.
 */
public interface LibC {

    @SaveError
    int mount(String source, String target, String fstype, @u_int64_t long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    /** statx(2) (glibc 2.28+): {@code buf} is a struct statx (256 bytes). */
    @SaveError
    int statx(int dirfd, String path, int flags, int mask, @Out byte[] buf);

    /** A real symbol since glibc 2.33 (Debian 12 ships 2.36); older ones only had __xmknod. */
    @SaveError
    int mknod(String path, @mode_t int mode, @dev_t long dev);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int unshare(int flags);

    @SaveError
    int lsetxattr(String path, String name, @In byte[] value, @size_t long size, int flags);

    @SaveError
    @ssize_t
    long lgetxattr(String path, String name, @Out byte[] value, @size_t long size);

    @SaveError
    @ssize_t
    long llistxattr(String path, @Out byte[] list, @size_t long size);

    @SaveError
    int lremovexattr(String path, String name);

    @SaveError
    int syncfs(int fd);

    /** {@code buf}: a struct statvfs (112 bytes on 64-bit Linux), filled by the call ({@link FileSystemSpace}). */
    @SaveError
    int statvfs(String path, @Out byte[] buf);

    // File-descriptor calls for bulk file creation ({@link DirectoryHandle}, {@link FileCreator}).

    /** open(2) is variadic in C; the mode is only read with O_CREAT, passed always (as jnr-posix does). */
    @SaveError
    int openat(int dirfd, String path, int flags, @mode_t int mode);

    /** {@code buf} is a direct buffer: jnr passes its address at its position, no copy. */
    @SaveError
    @ssize_t
    long write(int fd, @In ByteBuffer buf, @size_t long count);

    @SaveError
    int fchown(int fd, int uid, int gid);

    @SaveError
    int fchmod(int fd, @mode_t int mode);

    @SaveError
    int fsetxattr(int fd, String name, @In byte[] value, @size_t long size, int flags);

    /** {@code times}: two struct timespec (atime, mtime) in native memory the caller reuses. */
    @SaveError
    int futimens(int fd, Pointer times);

    @SaveError
    int close(int fd);

    // Resolution inside a root directory ({@link RootDirectory}).

    /**
     * syscall(2), for system calls glibc has no wrapper for: openat2 (437) is
     * {@code (int dirfd, const char *path, struct open_how *how, size_t size)}. Variadic in C.
     */
    @SaveError
    @Variadic(fixedCount = 1)
    long syscall(long number, int dirfd, String path, Pointer how, @size_t long size);

    /** syscall(2) for open_tree (428): {@code (int dirfd, const char *path, unsigned flags)}. */
    @SaveError
    @Variadic(fixedCount = 1)
    long syscall(long number, int dirfd, String path, int flags);

    /** syscall(2) for move_mount (429): {@code (int from_dirfd, const char *from, int to_dirfd, const char *to, unsigned flags)}. */
    @SaveError
    @Variadic(fixedCount = 1)
    long syscall(long number, int fromDirfd, String fromPath, int toDirfd, String toPath, int flags);

    /** syscall(2) for mount_setattr (442): {@code (int dirfd, const char *path, unsigned flags, struct mount_attr *, size_t)}. */
    @SaveError
    @Variadic(fixedCount = 1)
    long syscall(long number, int dirfd, String path, int flags, Pointer attr, @size_t long size);

    @SaveError
    int mkdirat(int dirfd, String name, @mode_t int mode);

    @SaveError
    @ssize_t
    long readlinkat(int dirfd, String name, @Out byte[] buf, @size_t long size);

    // Terminals and sockets for streaming and the service manager ({@link Pty}, {@link SeqPacketSocket}, {@link UnixDatagramSocket}).

    /** ioctl(2) with a pointer argument (TIOCSPTLCK, TIOCGPTN, TIOCSWINSZ); variadic in C. */
    @SaveError
    @Variadic(fixedCount = 2)
    int ioctl(int fd, @u_int64_t long request, @In @Out byte[] arg);

    @SaveError
    int socket(int domain, int type, int protocol);

    /** {@code addr}: a struct sockaddr_un (family, then the path with its NUL). */
    @SaveError
    int connect(int fd, @In byte[] addr, int length);

    @SaveError
    @ssize_t
    long recv(int fd, @Out byte[] buf, @size_t long length, int flags);

    @SaveError
    @ssize_t
    long send(int fd, @In byte[] buf, @size_t long length, int flags);

    @SaveError
    int shutdown(int fd, int how);

    /** {@code addr}: a struct sockaddr_un ({@link UnixAddress}). */
    @SaveError
    int bind(int fd, @In byte[] addr, int length);

    /** {@code value}: the option's bytes, e.g. a struct timeval for SO_RCVTIMEO. */
    @SaveError
    int setsockopt(int fd, int level, int name, @In byte[] value, int length);
}
