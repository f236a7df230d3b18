package dev.jcri.server.grpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Does the CRI socket still serve? Two things must answer within a bound: the executor that runs
 * every call's handler (it takes a task), and the socket itself, which must complete the start of
 * an HTTP/2 connection: our client preface and SETTINGS in, the server's SETTINGS out. That is the
 * event loop accepting, reading and writing, without running any CRI method or touching state.
 * Used by the systemd watchdog, so it is cheap (one short connection) and never blocks past its bound.
 */
final class ServingProbe {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    private static final int FRAME_HEADER = 9;
    private static final byte SETTINGS = 4;
    /** sun_path's size: a longer socket path cannot be connected to by name (the server binds through a shorter one). */
    private static final int SUN_PATH_MAX = 108;

    private ServingProbe() {}

    /** What does not answer, or empty when both do within {@code within}. */
    static Optional<String> problem(Path socket, ExecutorService handlers, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            CompletableFuture.runAsync(() -> { }, handlers).get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.of("the executor of CRI calls did not run a task within " + within.toMillis() + " ms");
        } catch (ExecutionException | RuntimeException e) {
            return Optional.of("the executor of CRI calls refused a task: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        if (socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length >= SUN_PATH_MAX) {
            return Optional.empty();
        }
        CompletableFuture<Optional<String>> handshake = new CompletableFuture<>();
        Connection channel = new Connection();
        Thread.ofVirtual().name("serving-probe").start(() -> handshake.complete(handshake(socket, channel)));
        try {
            return handshake.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.of("the socket " + socket + " did not answer an HTTP/2 handshake within " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Optional.of("probing the socket failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } finally {
            channel.abandon();
        }
    }

    private static Optional<String> handshake(Path socket, Connection holder) {
        try (SocketChannel channel = holder.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(PREFACE));
            channel.write(ByteBuffer.wrap(EMPTY_SETTINGS));
            ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
            while (header.hasRemaining()) {
                if (channel.read(header) < 0) {
                    return Optional.of("the socket " + socket + " closed the connection before its HTTP/2 settings");
                }
            }
            return header.get(3) == SETTINGS ? Optional.empty()
                    : Optional.of("the socket " + socket + " answered with HTTP/2 frame type " + header.get(3) + ", not SETTINGS");
        } catch (IOException e) {
            return Optional.of("the socket " + socket + " does not answer: " + e.getMessage());
        }
    }

    /** The probe's channel, closed by the caller when it stops waiting, so that a hung handshake ends too. */
    private static final class Connection {
        private SocketChannel channel;
        private boolean abandoned;

        synchronized SocketChannel open() throws IOException {
            if (abandoned) {
                throw new IOException("probe abandoned");
            }
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            return channel;
        }

        synchronized void abandon() {
            abandoned = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing only to unblock the handshake
                }
            }
        }
    }
}
