package dev.jcri.sandbox.stream;

import dev.jcri.linux.SeqPacketSocket;
import dev.jcri.sandbox.container.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attach to a container's main process through conmon's attach socket. conmon's framing (a
 * SOCK_SEQPACKET socket): each message it sends is one read of the container's output prefixed by
 * one byte naming the pipe (2 stdout, 3 stderr; a terminal's output is stdout), at most 8 KiB of
 * data; each message it receives is written as is to the container's stdin, and the end of our
 * side's output tells it the client's input ended (it then closes the container's stdin when the
 * container was created with stdin_once). Terminal resizes go through conmon's control FIFO
 * ("1 ROWS COLUMNS\n"). Detaching is closing the socket: the container runs on, and its output
 * goes on to the log as before.
 */
final class AttachSession implements Session {

    private static final int STDERR_PIPE = 3;
    /** conmon sends at most 8 KiB of output plus its one byte of framing per message. */
    private static final int RECEIVE_BUFFER = 8192 + 1;
    /** conmon reads at most 32 KiB - 1 per message (the rest of a longer one would be lost): send less. */
    private static final int SEND_CHUNK = 8192;
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final SeqPacketSocket socket;
    private final Path controlFifo;
    private final boolean tty;
    private final OutputStream stdin;
    private final Thread reader;
    private final AtomicBoolean closed = new AtomicBoolean();

    AttachSession(String containerId, SeqPacketSocket socket, Path controlFifo, boolean tty, boolean stdin, OutputSink sink) {
        this.socket = socket;
        this.controlFifo = controlFifo;
        this.tty = tty;
        this.stdin = stdin ? new AttachInput(socket) : null;
        this.reader = Pumps.start("attach-" + containerId, true, () -> {
            byte[] buf = new byte[RECEIVE_BUFFER];
            for (int n; (n = socket.receive(buf)) >= 0; ) {
                if (n > 1) {
                    sink.write(buf[0] == STDERR_PIPE ? OutputSink.Stream.STDERR : OutputSink.Stream.STDOUT, buf, 1, n - 1);
                }
            }
        });
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        if (!tty || size.columns() == 0 || size.rows() == 0 || !Files.exists(controlFifo)) {
            return;
        }
        try (OutputStream ctl = Files.newOutputStream(controlFifo)) {
            ctl.write(("1 " + size.rows() + " " + size.columns() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Override
    public int awaitExit() throws InterruptedException {
        reader.join();
        return 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        socket.shutdownInput();
        socket.shutdownOutput();
        try {
            Pumps.join(reader, CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    /** The client's input, sent to conmon in messages it reads whole. */
    private static final class AttachInput extends OutputStream {
        private final SeqPacketSocket socket;

        AttachInput(SeqPacketSocket socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; done += SEND_CHUNK) {
                socket.send(b, off + done, Math.min(SEND_CHUNK, len - done));
            }
        }

        @Override
        public void close() {
            socket.shutdownOutput();
        }
    }
}
