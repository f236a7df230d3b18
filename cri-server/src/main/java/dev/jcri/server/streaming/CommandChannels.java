package dev.jcri.server.streaming;

/**
 * The client's side of one exec or attach once its streams are set up, whatever the protocol
 * (SPDY streams, WebSocket channels). Streams the client did not ask for are null.
 */
interface CommandChannels {

    Outbound stdout();

    Outbound stderr();

    InboundPipe stdin();

    InboundPipe resize();

    /** Reports how the command ended on the error stream, ends every stream and closes the connection. */
    void finish(ExitStatus status);

    /**
     * Closes the connection at once, sending nothing more: the client stopped reading, so a status
     * would never reach it, and waiting to send one would keep the session alive.
     */
    void abort(String why);

    /** Runs {@code action} when the connection closes (at once if it is closed already). */
    void onClose(Runnable action);
}
