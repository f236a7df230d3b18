package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Path;

/**
 * setns(2) and unshare(2).
 *
 * <p>Both act on the calling thread only (for network, UTS, IPC namespaces): call them on a
 * dedicated platform thread, never a virtual thread (which can move between carriers), and
 * don't return that thread to a pool while it is inside a foreign namespace. A multithreaded
 * process such as the JVM cannot join another mount namespace (EINVAL).
 */
public final class Namespaces {
    private Namespaces() {}

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;

    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    /** unshare(2) for the calling thread. */
    public static void unshare(int flags) throws NativeCallException {
        Native.checkLibC(Native.libc().unshare(flags), "unshare", "flags=0x" + Integer.toHexString(flags));
    }

    /**
     * Moves the calling thread into the namespace of {@code nsFile} (e.g. /proc/PID/ns/net or a bind
     * mount pinning one). {@code nstype} is a CLONE_NEW* constant, or 0 to accept any type.
     */
    public static void enter(Path nsFile, int nstype) throws IOException {
        String p = nsFile.toString();
        int fd = Native.posix().open(p, O_RDONLY | O_CLOEXEC, 0);
        Native.checkPosix(fd, "open", p);
        try {
            Native.checkLibC(Native.libc().setns(fd, nstype), "setns", p);
        } finally {
            Native.posix().close(fd);
        }
    }
}
