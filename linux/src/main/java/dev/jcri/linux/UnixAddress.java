package dev.jcri.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A struct sockaddr_un for a UNIX socket, by path or abstract name ({@code @name}, the notation
 * systemd's {@code NOTIFY_SOCKET} uses: the name starts with a NUL byte and has no file).
 *
 * <p>A path is reached through {@code /proc/self/fd/N/NAME} of an O_PATH descriptor of its
 * directory, held until {@link #close}, so its full length does not count against sun_path's 108
 * bytes (state directories with long names would not fit otherwise).
 */
final class UnixAddress implements AutoCloseable {

    static final int AF_UNIX = 1;
    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;
    private static final int SUN_PATH_MAX = 108;
    private static final int FAMILY_BYTES = 2;

    private final byte[] sockaddr;
    private final int length;
    private final int dirFd;
    private final String name;

    private UnixAddress(byte[] sockaddr, int length, int dirFd, String name) {
        this.sockaddr = sockaddr;
        this.length = length;
        this.dirFd = dirFd;
        this.name = name;
    }

    /** {@code @name} for an abstract address, else a path. */
    static UnixAddress parse(String address) throws IOException {
        if (address.startsWith("@")) {
            byte[] name = address.substring(1).getBytes(StandardCharsets.UTF_8);
            if (name.length + 1 > SUN_PATH_MAX) {
                throw new IOException("abstract socket name too long: " + address);
            }
            byte[] sockaddr = new byte[FAMILY_BYTES + 1 + name.length];
            sockaddr[0] = AF_UNIX; // sa_family_t, little-endian; sun_path[0] = 0 marks the abstract namespace
            System.arraycopy(name, 0, sockaddr, FAMILY_BYTES + 1, name.length);
            return new UnixAddress(sockaddr, sockaddr.length, -1, address);
        }
        return of(Path.of(address));
    }

    /** The socket file at {@code path} (which need not exist yet, for bind). */
    static UnixAddress of(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null) {
            throw new IOException("not a socket path: " + path);
        }
        int dir = Native.posix().open(parent.toString(), O_PATH | O_CLOEXEC, 0);
        Native.checkPosix(dir, "open", parent.toString());
        byte[] target = ("/proc/self/fd/" + dir + "/" + absolute.getFileName()).getBytes(StandardCharsets.UTF_8);
        if (target.length >= SUN_PATH_MAX) {
            Native.posix().close(dir);
            throw new IOException("socket name too long: " + path);
        }
        byte[] sockaddr = new byte[FAMILY_BYTES + SUN_PATH_MAX];
        sockaddr[0] = AF_UNIX;
        System.arraycopy(target, 0, sockaddr, FAMILY_BYTES, target.length);
        return new UnixAddress(sockaddr, sockaddr.length, dir, path.toString());
    }

    byte[] sockaddr() {
        return sockaddr;
    }

    int length() {
        return length;
    }

    /** As given: the path or {@code @name}, for messages. */
    String name() {
        return name;
    }

    @Override
    public void close() {
        if (dirFd >= 0) {
            Native.posix().close(dirFd);
        }
    }
}
