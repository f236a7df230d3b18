package dev.jcri.sandbox.stream;

import dev.jcri.linux.SeqPacketSocket;
import dev.jcri.sandbox.container.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attach to a container's main process through conmon's attach socket. conmon's framing (a
 * SOCK_SEQPACKET socket): each message it sends is one read of the container's output prefixed by
 * one byte naming the pipe (2 stdout, 3 stderr; a terminal's output is stdout), at most 8 KiB of
 * data; each message it receives is written as is to the container's stdin, and the end of our
 * side's output tells it the client's input ended (it then closes the container's stdin when the
 * container was created with stdin_once). Terminal resizes go through conmon's control FIFO
 * ("1 ROWS COLUMNS\n"). Detaching is closing the socket: the container runs on, and its output
 * goes on to the log as before.
 *
 * <p>conmon writes to its attach sockets with blocking writes, in the same loop that copies the
 * container's output to the log: a client that stops reading would stop the container's logging
 * and then the container itself. So the socket is read as fast as conmon writes, into a queue
 * bounded by {@link #MAX_BEHIND} bytes that a second thread drains to the client; a client that
 * falls further behind is {@linkplain OutputSink#abandon abandoned} and this attach ends (the
 * container and its log are untouched).
 */
final class AttachSession implements Session {

    private static final int STDERR_PIPE = 3;
    /** conmon sends at most 8 KiB of output plus its one byte of framing per message. */
    private static final int RECEIVE_BUFFER = 8192 + 1;
    /** conmon reads at most 32 KiB - 1 per message (the rest of a longer one would be lost): send less. */
    private static final int SEND_CHUNK = 8192;
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** Output not yet sent to the client beyond which the client is dropped (per attach). */
    static final long MAX_BEHIND = 4L << 20;
    private static final byte[] END = new byte[0];

    private final SeqPacketSocket socket;
    private final Path controlFifo;
    private final boolean tty;
    private final OutputStream stdin;
    private final Thread reader;
    private final Thread sender;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** conmon's messages as received (pipe byte first, so never empty), then {@link #END}. */
    private final LinkedBlockingQueue<byte[]> pending = new LinkedBlockingQueue<>();
    private final AtomicLong behind = new AtomicLong();
    private volatile String abandoned;

    AttachSession(String containerId, SeqPacketSocket socket, Path controlFifo, boolean tty, boolean stdin, OutputSink sink) {
        this.socket = socket;
        this.controlFifo = controlFifo;
        this.tty = tty;
        this.stdin = stdin ? new AttachInput(socket) : null;
        this.reader = Pumps.start("attach-" + containerId, true, () -> {
            try {
                byte[] buf = new byte[RECEIVE_BUFFER];
                for (int n; (n = socket.receive(buf)) >= 0 && abandoned == null; ) {
                    if (n > 1 && behind.addAndGet(n - 1) > MAX_BEHIND) {
                        abandoned = "the client read the attached output more slowly than container " + containerId
                                + " wrote it (" + (MAX_BEHIND >> 20) + " MiB behind); the container and its log are unaffected";
                        sink.abandon(abandoned);
                    } else if (n > 1) {
                        pending.add(Arrays.copyOf(buf, n));
                    }
                }
            } finally {
                pending.add(END);
            }
        });
        this.sender = Pumps.start("attach-out-" + containerId, false, () -> {
            byte[] m = pending.take();
            while (m.length > 0) { // END is the only empty one
                sink.write(m[0] == STDERR_PIPE ? OutputSink.Stream.STDERR : OutputSink.Stream.STDOUT, m, 1, m.length - 1);
                behind.addAndGet(-(m.length - 1));
                m = pending.take();
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
    public int awaitExit() throws InterruptedException, IOException {
        reader.join();
        sender.join(); // everything received is sent before the streams end, or the client is gone
        if (abandoned != null) {
            throw new IOException(abandoned);
        }
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
            pending.add(END); // the sender stops at the first END: what the client had not taken is dropped
            sender.interrupt();
            Pumps.join(sender, CLOSE_WAIT_MILLIS);
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
