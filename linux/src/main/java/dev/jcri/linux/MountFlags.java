package dev.jcri.linux;

/**
 * Flag values for {@link Mounts#mount} (mount(2) MS_*) and {@link Mounts#unmount} (umount2(2)
 * MNT_* / UMOUNT_*), from linux/mount.h. Same numbers on every Linux architecture.
 */
public final class MountFlags {
    private MountFlags() {}

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_NOATIME = 1024;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;

    /** Force unmount (network filesystems); rarely what you want. */
    public static final int MNT_FORCE = 1;
    /** Lazy unmount: detach now, release when the last user goes away. */
    public static final int MNT_DETACH = 2;
    /** Don't follow a symlink at the target: a container could have planted one. */
    public static final int UMOUNT_NOFOLLOW = 8;
}
