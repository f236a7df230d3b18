package dev.jcri.server.streaming;

import java.io.IOException;

/** One stream towards the client (stdout, stderr, a forwarded port's data), whatever the protocol. */
interface Outbound {

    /** Sends bytes, blocking while the client is slow; IOException once the connection is gone. */
    void write(byte[] data, int offset, int length) throws IOException;

    /** Ends the stream (the client reads end of stream). Idempotent. */
    void close();
}
