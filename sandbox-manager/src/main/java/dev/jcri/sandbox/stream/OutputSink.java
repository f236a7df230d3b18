package dev.jcri.sandbox.stream;

import java.io.IOException;

/**
 * Where a session's output goes (the streaming server's client). {@link #write} may block while the
 * client is slow: the session then stops reading from the process, whose writes block in turn, so
 * nothing queues without bound. An IOException means the client is gone; the session then ends.
 */
@FunctionalInterface
public interface OutputSink {

    /** The process's two output streams. */
    enum Stream { STDOUT, STDERR }

    void write(Stream stream, byte[] data, int offset, int length) throws IOException;
}
