package dev.jcri.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket (the JDK only has stream sockets for UNIX addresses):
 * each {@link #send} is one message and each {@link #receive} returns one, as conmon's attach
 * socket expects.
 *
 * <p>The path is reached through {@code /proc/self/fd/N/NAME} of an O_PATH descriptor of its
 * directory, so its full length does not count against sun_path's 108 bytes (state directories
 * with long names would not fit otherwise). Calls block: use platform threads. As with
 * {@link Pty}, close only after readers have returned; {@link #shutdownInput} wakes a reader.
 */
public final class SeqPacketSocket implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;
    private static final int SHUT_RD = 0;
    private static final int SHUT_WR = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINTR = 4;
    private static final int SUN_PATH_MAX = 108;

    private final int fd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SeqPacketSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Connects to the socket at {@code path}. */
    public static SeqPacketSocket connect(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        int dir = Native.posix().open(parent.toString(), O_PATH | O_CLOEXEC, 0);
        Native.checkPosix(dir, "open", parent.toString());
        int fd = -1;
        try {
            byte[] target = ("/proc/self/fd/" + dir + "/" + path.getFileName()).getBytes(StandardCharsets.UTF_8);
            if (target.length >= SUN_PATH_MAX) {
                throw new IOException("socket name too long: " + path);
            }
            byte[] address = new byte[2 + SUN_PATH_MAX];
            address[0] = AF_UNIX; // sa_family_t, little-endian
            System.arraycopy(target, 0, address, 2, target.length);
            fd = Native.libc().socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            Native.checkLibC(fd, "socket", path.toString());
            Native.checkLibC(Native.libc().connect(fd, address, address.length), "connect", path.toString());
            SeqPacketSocket socket = new SeqPacketSocket(fd, path.toString());
            fd = -1;
            return socket;
        } finally {
            if (fd >= 0) {
                Native.libc().close(fd);
            }
            Native.posix().close(dir);
        }
    }

    /** Receives one message into {@code buf} (the rest of a longer one is dropped); -1 at end of stream. */
    public int receive(byte[] buf) throws IOException {
        while (true) {
            long n = Native.libc().recv(fd, buf, buf.length, 0);
            if (n > 0) {
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            int errno = Native.libcErrno();
            if (errno != EINTR) {
                throw new NativeCallException("recv", name, errno);
            }
        }
    }

    /** Sends {@code buf[off, off+len)} as one message. */
    public void send(byte[] buf, int off, int len) throws IOException {
        byte[] message = off == 0 && len == buf.length ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        while (true) {
            long n = Native.libc().send(fd, message, len, MSG_NOSIGNAL);
            if (n >= 0) {
                return;
            }
            int errno = Native.libcErrno();
            if (errno != EINTR) {
                throw new NativeCallException("send", name, errno);
            }
        }
    }

    /** No more messages from here: the peer reads end of stream. */
    public void shutdownOutput() {
        Native.libc().shutdown(fd, SHUT_WR);
    }

    /** Makes a blocked {@link #receive} return end of stream. */
    public void shutdownInput() {
        Native.libc().shutdown(fd, SHUT_RD);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.libc().close(fd);
        }
    }
}
