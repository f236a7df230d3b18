package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket (the JDK only has stream sockets for UNIX addresses):
 * each {@link #send} is one message and each {@link #receive} returns one, as conmon's attach
 * socket expects.
 *
 * <p>The path may be longer than sun_path's 108 bytes ({@link UnixAddress}). Calls block: use
 * platform threads. As with {@link Pty}, close only after readers have returned;
 * {@link #shutdownInput} wakes a reader.
 */
public final class SeqPacketSocket implements AutoCloseable {

    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SHUT_RD = 0;
    private static final int SHUT_WR = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINTR = 4;

    private final int fd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SeqPacketSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Connects to the socket at {@code path}. */
    public static SeqPacketSocket connect(Path path) throws IOException {
        try (UnixAddress address = UnixAddress.of(path)) {
            int fd = Native.libc().socket(UnixAddress.AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            Native.checkLibC(fd, "socket", path.toString());
            if (Native.libc().connect(fd, address.sockaddr(), address.length()) < 0) {
                int errno = Native.libcErrno();
                Native.libc().close(fd);
                throw new NativeCallException("connect", path.toString(), errno);
            }
            return new SeqPacketSocket(fd, path.toString());
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
