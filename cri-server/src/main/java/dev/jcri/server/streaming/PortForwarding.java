package dev.jcri.server.streaming;

import dev.jcri.sandbox.stream.ContainerStreams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection: a port on the pod's loopback, relayed both ways with the client's data
 * stream until either side ends. A port that cannot be reached is reported on the error stream
 * (the client's other forwards go on); the output towards the client is bounded by its
 * {@link Outbound} (which blocks), the input by its {@link InboundPipe}.
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
final class PortForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwarding.class);
    private static final int CHUNK = 32 * 1024;

    private final ContainerStreams streams;
    private final String podId;
    private final int port;
    private final InboundPipe fromClient;
    private final Outbound data;
    private final Outbound error;
    private volatile SocketChannel socket;
    private volatile boolean reset;

    PortForwarding(ContainerStreams streams, String podId, int port, InboundPipe fromClient, Outbound data, Outbound error) {
        this.streams = streams;
        this.podId = podId;
        this.port = port;
        this.fromClient = fromClient;
        this.data = data;
        this.error = error;
    }

    /** Dials and relays until either side ends (on the calling virtual thread). */
    void run() {
        try {
            SocketChannel ch = streams.dialPod(podId, port);
            socket = ch;
            if (reset) {
                ch.close();
                return;
            }
            Thread.ofVirtual().name("forward-in-" + port).start(() -> copyToPod(ch));
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (ch.read(buf.clear()) >= 0) {
                data.write(buf.array(), 0, buf.position());
            }
        } catch (IOException e) {
            if (socket == null) {
                fail("error forwarding port " + port + " to pod " + podId + ": " + e.getMessage());
            } else {
                LOG.debug("forward of port {} ended: {}", port, e.toString());
            }
        } catch (RuntimeException e) {
            fail("error forwarding port " + port + " to pod " + podId + ": " + e);
        } finally {
            end();
        }
    }

    /** The client reset one of the pair's streams, or the connection closed: stop both ways. */
    void reset() {
        reset = true;
        fromClient.abort();
        closeSocket();
    }

    private void copyToPod(SocketChannel ch) {
        try {
            for (byte[] chunk; (chunk = fromClient.take()) != null; ) {
                ByteBuffer buf = ByteBuffer.wrap(chunk);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.shutdownOutput(); // the client's end of data: the server in the pod reads end of file
        } catch (IOException | InterruptedException e) {
            LOG.debug("forward of port {} to the pod ended: {}", port, e.toString());
            closeSocket();
        }
    }

    private void fail(String message) {
        try {
            error.write(message.getBytes(StandardCharsets.UTF_8), 0, message.getBytes(StandardCharsets.UTF_8).length);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private void end() {
        data.close();
        error.close();
        fromClient.abort();
        closeSocket();
    }

    private void closeSocket() {
        SocketChannel ch = socket;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
