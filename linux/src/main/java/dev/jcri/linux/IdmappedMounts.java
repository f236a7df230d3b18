package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Idmapped bind mounts (kernel 5.12+; overlayfs layers and tmpfs since 5.19 and 6.3): a second view
 * of a directory or file in which every owner is shifted through a user namespace's mapping, so
 * that a container in that namespace sees its files owned right without one chown of the data.
 *
 * <p>Made with the new mount API, none of which glibc wraps: {@code open_tree(OPEN_TREE_CLONE)}
 * detaches a copy of the source mount, {@code mount_setattr(MOUNT_ATTR_IDMAP)} attaches the user
 * namespace to that copy (only possible while it is not yet attached anywhere), and
 * {@code move_mount} puts it at the target. {@link #bindRecursive} clones the source's submounts
 * too ({@code AT_RECURSIVE} on both calls), each idmapped: the kernel allows it only when every
 * submount's filesystem supports idmapping, else that call falls back to the source mount alone.
 */
public final class IdmappedMounts {
    private IdmappedMounts() {}

    private static final long SYS_OPEN_TREE = 428;
    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_MOUNT_SETATTR = 442;
    private static final int OPEN_TREE_CLONE = 1;
    private static final int EINVAL = 22;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_RDONLY = 0;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final long MOUNT_ATTR_IDMAP = 0x00100000L;
    private static final long MOUNT_ATTR_RDONLY = 0x1L;
    /** struct mount_attr: attr_set, attr_clr, propagation, userns_fd, four u64. */
    private static final int MOUNT_ATTR_SIZE = 32;

    /**
     * Mounts an idmapped view of {@code source} at {@code target} (an existing directory for a
     * directory, an existing file for a file), with the mapping of the user namespace
     * {@code userNamespace} (a /proc/PID/ns/user file or a bind mount pinning one).
     *
     * @throws NativeCallException EINVAL from mount_setattr when the source's filesystem cannot be
     *                             idmapped (the message names the source)
     */
    public static void bind(Path source, Path target, Path userNamespace, boolean readOnly) throws IOException {
        bind(source, target, userNamespace, readOnly, false);
    }

    /**
     * As {@link #bind}, with the mounts below {@code source} in the view too, each idmapped (a
     * volume holding mounts of its own shows them, as a plain recursive bind would). Where the
     * kernel refuses (EINVAL: a submount's filesystem cannot be idmapped) the view is the source
     * mount alone, as {@link #bind} makes it; returns whether the view is recursive.
     */
    public static boolean bindRecursive(Path source, Path target, Path userNamespace, boolean readOnly) throws IOException {
        try {
            bind(source, target, userNamespace, readOnly, true);
            return true;
        } catch (NativeCallException e) {
            if (e.errno() != EINVAL) {
                throw e;
            }
            bind(source, target, userNamespace, readOnly, false);
            return false;
        }
    }

    private static void bind(Path source, Path target, Path userNamespace, boolean readOnly, boolean recursive)
            throws IOException {
        String ns = userNamespace.toString();
        int nsFd = Native.posix().open(ns, O_RDONLY | O_CLOEXEC, 0);
        Native.checkPosix(nsFd, "open", ns);
        try {
            String from = source.toString();
            int depth = recursive ? AtFlags.AT_RECURSIVE : 0;
            long tree = Native.libc().syscall(SYS_OPEN_TREE, AtFlags.AT_FDCWD, from, OPEN_TREE_CLONE | O_CLOEXEC | depth);
            Native.checkLibC(tree, "open_tree", from);
            try {
                Pointer attr = Memory.allocateDirect(Native.runtime(), MOUNT_ATTR_SIZE);
                attr.putLong(0, MOUNT_ATTR_IDMAP | (readOnly ? MOUNT_ATTR_RDONLY : 0));
                attr.putLong(8, 0);
                attr.putLong(16, 0);
                attr.putLong(24, nsFd);
                Native.checkLibC(Native.libc().syscall(SYS_MOUNT_SETATTR, (int) tree, "", AtFlags.AT_EMPTY_PATH | depth, attr,
                        MOUNT_ATTR_SIZE), "mount_setattr(MOUNT_ATTR_IDMAP)", from);
                String to = target.toString();
                Native.checkLibC(Native.libc().syscall(SYS_MOVE_MOUNT, (int) tree, "", AtFlags.AT_FDCWD, to,
                        MOVE_MOUNT_F_EMPTY_PATH), "move_mount", to);
            } finally {
                Native.libc().close((int) tree); // the moved mount stays; an unmoved copy goes with its last fd
            }
        } finally {
            Native.posix().close(nsFd);
        }
    }
}
