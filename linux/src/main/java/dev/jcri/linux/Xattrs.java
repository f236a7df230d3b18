package dev.jcri.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;

/**
 * Extended attributes of a path itself (the l* calls: never through a symlink).
 *
 * <p>java.nio's UserDefinedFileAttributeView only reaches the {@code user.} namespace; image layers
 * and overlayfs need {@code trusted.} and {@code security.} (e.g. trusted.overlay.opaque,
 * security.capability), hence libc. Values are raw bytes: security.capability is binary.
 */
public final class Xattrs {
    private Xattrs() {}

    /** Linux caps one value at 64 KiB (XATTR_SIZE_MAX). */
    private static final int MAX_VALUE = 64 * 1024;

    public static void set(Path path, String name, byte[] value) throws NativeCallException {
        String p = path.toString();
        int rc = Native.libc().lsetxattr(p, name, value, value.length, 0);
        Native.checkLibC(rc, "lsetxattr", p + " " + name);
    }

    /** The value, or empty if the attribute is absent (ENODATA). */
    public static Optional<byte[]> get(Path path, String name) throws NativeCallException {
        String p = path.toString();
        byte[] buf = new byte[256];
        while (true) {
            long n = Native.libc().lgetxattr(p, name, buf, buf.length);
            if (n >= 0) {
                return Optional.of(java.util.Arrays.copyOf(buf, (int) n));
            }
            int errno = Native.libcErrno();
            if (errno == Errno.ENODATA.intValue()) {
                return Optional.empty();
            }
            if (errno == Errno.ERANGE.intValue() && buf.length < MAX_VALUE) {
                buf = new byte[MAX_VALUE]; // the value grew or is large: retry once with the maximum
                continue;
            }
            throw new NativeCallException("lgetxattr", p + " " + name, errno);
        }
    }

    /** Names of all attributes this process may see (trusted.* only as root). */
    public static List<String> list(Path path) throws NativeCallException {
        String p = path.toString();
        long size = Native.libc().llistxattr(p, null, 0);
        Native.checkLibC(size, "llistxattr", p);
        List<String> names = new ArrayList<>();
        if (size == 0) {
            return names;
        }
        byte[] buf = new byte[(int) size + 256]; // slack in case one was added in between
        long n = Native.libc().llistxattr(p, buf, buf.length);
        Native.checkLibC(n, "llistxattr", p);
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] == 0) { // the list is NUL-separated names
                if (i > start) {
                    names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }

    /** Removes an attribute; absent is fine. */
    public static void remove(Path path, String name) throws NativeCallException {
        String p = path.toString();
        if (Native.libc().lremovexattr(p, name) < 0) {
            int errno = Native.libcErrno();
            if (errno != Errno.ENODATA.intValue()) {
                throw new NativeCallException("lremovexattr", p + " " + name, errno);
            }
        }
    }
}
