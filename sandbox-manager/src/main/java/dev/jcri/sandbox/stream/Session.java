package dev.jcri.sandbox.stream;

import dev.jcri.sandbox.container.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One exec or attach, as a small blocking API the streaming server drives from its own threads.
 * Output is pushed to the {@link OutputSink} given when the session was opened.
 */
public interface Session extends AutoCloseable {

    /**
     * The process's input, or null when the session has none. Closing it ends the input (the
     * process reads end of file; for an attach, conmon closes the container's stdin when the
     * container was created with stdin_once).
     */
    OutputStream stdin();

    /** Sets the terminal's size (a session without a terminal ignores it). */
    void resize(TerminalSize size) throws IOException;

    /**
     * Waits until the process exits (an attach: until the container's output ends) and all its
     * output has been written to the sink; returns its exit code (0 for an attach). IOException:
     * the session gave up on the client (an attach whose client fell too far behind).
     */
    int awaitExit() throws InterruptedException, IOException;

    /**
     * Ends the session now: an exec still running is killed with its whole process tree, an attach
     * detaches (the container runs on). Idempotent; waits (bounded) until the session's threads end.
     */
    @Override
    void close();
}
