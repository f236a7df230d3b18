package dev.jcri.sandbox.stream;

import java.io.IOException;

/**
 * Where a session's output goes (the streaming server's client). {@link #write} may block while the
 * client is slow. An exec's process then blocks in turn (it is the client's own process, as with
 * any pipe). An attach never lets the container's main process wait on a client: it buffers a
 * bounded amount and, past it, {@link #abandon abandons} the client. An IOException means the
 * client is gone; the session then ends.
 */
@FunctionalInterface
public interface OutputSink {

    /** The process's two output streams. */
    enum Stream { STDOUT, STDERR }

    void write(Stream stream, byte[] data, int offset, int length) throws IOException;

    /**
     * Drops the client at once, without waiting for it to read anything more: it fell too far
     * behind ({@code why}). A blocked {@link #write} then fails.
     */
    default void abandon(String why) {}
}
