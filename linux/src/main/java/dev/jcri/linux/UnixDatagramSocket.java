package dev.jcri.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An AF_UNIX SOCK_DGRAM socket, which the JDK lacks (its UNIX-domain channels are stream only):
 * systemd's notification socket ({@code NOTIFY_SOCKET}) takes one datagram per message. Addresses
 * are paths or abstract names written {@code @name} ({@link UnixAddress}).
 *
 * <p>A sender uses {@link #send(String, byte[])}; a receiver (the service manager's side, which
 * tests play) {@link #bind}s and {@link #receive}s. Calls block: use platform threads.
 */
public final class UnixDatagramSocket implements AutoCloseable {

    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private final int fd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UnixDatagramSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Sends one datagram to {@code address} from a fresh unbound socket (as sd_notify(3) does). */
    public static void send(String address, byte[] message) throws IOException {
        try (UnixAddress to = UnixAddress.parse(address); UnixDatagramSocket socket = open(address)) {
            // connect(2) on a datagram socket only sets the destination; send(2) then fails loudly if nobody listens
            Native.checkLibC(Native.libc().connect(socket.fd, to.sockaddr(), to.length()), "connect", address);
            while (Native.libc().send(socket.fd, message, message.length, MSG_NOSIGNAL) < 0) {
                int errno = Native.libcErrno();
                if (errno != EINTR) {
                    throw new NativeCallException("send", address, errno);
                }
            }
        }
    }

    /** A socket bound at {@code address} (a path, which must not exist yet, or {@code @name}). */
    public static UnixDatagramSocket bind(String address) throws IOException {
        UnixDatagramSocket socket = open(address);
        try (UnixAddress at = UnixAddress.parse(address)) {
            Native.checkLibC(Native.libc().bind(socket.fd, at.sockaddr(), at.length()), "bind", address);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static UnixDatagramSocket open(String address) throws IOException {
        int fd = Native.libc().socket(UnixAddress.AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        Native.checkLibC(fd, "socket", address);
        return new UnixDatagramSocket(fd, address);
    }

    /**
     * Receives one datagram into {@code buf} (the rest of a longer one is dropped), waiting at most
     * {@code timeout}; -1 when none came in time.
     */
    public int receive(byte[] buf, Duration timeout) throws IOException {
        long micros = Math.max(1, timeout.toNanos() / 1000);
        byte[] timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(micros / 1_000_000).putLong(micros % 1_000_000).array();
        Native.checkLibC(Native.libc().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, timeval.length), "setsockopt", name);
        while (true) {
            long n = Native.libc().recv(fd, buf, buf.length, 0);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Native.libcErrno();
            if (errno == EAGAIN) {
                return -1;
            }
            if (errno != EINTR) {
                throw new NativeCallException("recv", name, errno);
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Native.libc().close(fd);
        }
    }
}
