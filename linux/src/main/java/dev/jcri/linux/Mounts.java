package dev.jcri.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import jnr.constants.platform.Errno;

/**
 * mount(2) and umount2(2), plus questions about the mount table.
 *
 * <p>Mounts made here land in the mount namespace of the whole JVM process (mount namespaces are
 * per process for a multithreaded program), so they are visible to child processes such as runc.
 */
public final class Mounts {
    private Mounts() {}

    /** mount(2). {@code source}, {@code fstype} and {@code data} may be null (e.g. for MS_REMOUNT). */
    public static void mount(String source, Path target, String fstype, long flags, String data)
            throws NativeCallException {
        String where = target.toString();
        int rc = Native.libc().mount(source, where, fstype, flags, data);
        Native.checkLibC(rc, "mount", where + (fstype == null ? "" : " (" + fstype + ")"));
    }

    /** Bind-mounts {@code source} at {@code target}; read-only needs a second, remount call (kernel rule). */
    public static void bind(Path source, Path target, boolean readOnly) throws NativeCallException {
        mount(source.toString(), target, null, MountFlags.MS_BIND, null);
        if (readOnly) {
            try {
                mount(null, target, null, MountFlags.MS_REMOUNT | MountFlags.MS_BIND | MountFlags.MS_RDONLY, null);
            } catch (NativeCallException e) {
                unmountQuietly(target);
                throw e;
            }
        }
    }

    /** umount2(2) with the given {@link MountFlags} MNT_* / UMOUNT_* flags. */
    public static void unmount(Path target, int flags) throws NativeCallException {
        String where = target.toString();
        Native.checkLibC(Native.libc().umount2(where, flags), "umount2", where);
    }

    /**
     * Unmounts if something is mounted there; returns whether it was. EINVAL (not a mount point)
     * and ENOENT (gone) mean there is nothing to undo, which is what cleanup paths want.
     */
    public static boolean unmountIfMounted(Path target, int flags) throws NativeCallException {
        try {
            unmount(target, flags);
            return true;
        } catch (NativeCallException e) {
            if (e.is(Errno.EINVAL) || e.is(Errno.ENOENT)) {
                return false;
            }
            throw e;
        }
    }

    private static void unmountQuietly(Path target) {
        try {
            unmount(target, MountFlags.MNT_DETACH);
        } catch (NativeCallException ignored) {
            // Best effort on an error path; the original error is the one worth reporting.
        }
    }

    private static final int STATX_BUFFER_BYTES = 256;
    /** struct statx: {@code __u64 stx_attributes} at byte 8, {@code __u64 stx_attributes_mask} at byte 56. */
    private static final int STX_ATTRIBUTES = 8;
    private static final int STX_ATTRIBUTES_MASK = 56;
    /** The path is the root of a mount (Linux 5.8+). */
    private static final long STATX_ATTR_MOUNT_ROOT = 0x2000;

    /**
     * Whether {@code path} is a mount point in this namespace: the root of a mount, bind mounts of
     * the same filesystem included (st_dev comparison would miss those). Asks the kernel about the
     * path itself (statx's mount-root attribute, one system call, no symlink followed at the end);
     * on a kernel without that attribute, reads the mount table instead.
     */
    public static boolean isMountPoint(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        byte[] statx = new byte[STATX_BUFFER_BYTES];
        int rc = Native.libc().statx(AtFlags.AT_FDCWD, p.toString(), AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_NO_AUTOMOUNT, 0, statx);
        if (rc < 0) {
            NativeCallException e = new NativeCallException("statx", p.toString(), Native.libcErrno());
            if (e.is(Errno.ENOENT) || e.is(Errno.ENOTDIR)) {
                return false; // nothing there, so nothing mounted there
            }
            throw e;
        }
        ByteBuffer b = ByteBuffer.wrap(statx).order(ByteOrder.nativeOrder());
        if ((b.getLong(STX_ATTRIBUTES_MASK) & STATX_ATTR_MOUNT_ROOT) != 0) {
            return (b.getLong(STX_ATTRIBUTES) & STATX_ATTR_MOUNT_ROOT) != 0;
        }
        return isInMountTable(p);
    }

    /** The same question answered from /proc/self/mountinfo (kernels before 5.8). */
    static boolean isInMountTable(Path path) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        for (MountInfo m : MountInfo.readAll()) {
            if (m.mountPoint().equals(p)) {
                return true;
            }
        }
        return false;
    }
}
