package dev.jcri.server.streaming;

import dev.jcri.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.container.TerminalSize;
import dev.jcri.sandbox.stream.ContainerStreams;
import dev.jcri.sandbox.stream.OutputSink;
import dev.jcri.sandbox.stream.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exec or attach between its client's channels and a {@link Session}: output pumped to
 * the client, the client's stdin and terminal sizes to the session, the end reported on the error
 * stream. A client that goes away ends the session (an exec is killed with its process tree).
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
final class RemoteCommand {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommand.class);
    /** A terminal client sends its size right after the streams are up: wait that long for it before starting. */
    private static final long FIRST_SIZE_WAIT_MILLIS = 1_000;
    /** A resize message is a tiny JSON object; anything larger is not one. */
    private static final int RESIZE_MESSAGE_LIMIT = 4096;

    private RemoteCommand() {}

    /** Runs the request to its end on the calling thread (a virtual thread of the server). */
    static void run(PendingStream request, ContainerStreams streams, CommandChannels channels) {
        Session session = null;
        ExitStatus status;
        try {
            OutputSink sink = new OutputSink() {
                @Override
                public void write(Stream stream, byte[] data, int offset, int length) throws IOException {
                    Outbound out = stream == OutputSink.Stream.STDOUT ? channels.stdout() : channels.stderr();
                    if (out != null) {
                        out.write(data, offset, length);
                    }
                }

                @Override
                public void abandon(String why) {
                    channels.abort(why);
                }
            };
            CompletableFuture<TerminalSize> firstSize = new CompletableFuture<>();
            SessionRef ref = new SessionRef();
            if (channels.resize() != null) {
                readSizes(channels.resize(), firstSize, ref);
            }
            if (request instanceof PendingStream.Exec exec) {
                TerminalSize size = exec.tty() ? awaitFirstSize(firstSize) : null;
                session = streams.exec(exec.containerId(), exec.cmd(), exec.tty(), size, exec.stdin() && channels.stdin() != null, sink);
            } else {
                PendingStream.Attach attach = (PendingStream.Attach) request;
                session = streams.attach(attach.containerId(), attach.stdin() && channels.stdin() != null, sink);
            }
            ref.set(session);
            Session running = session;
            channels.onClose(running::close);
            if (session.stdin() != null) {
                copyStdin(channels.stdin(), session.stdin());
            }
            int code = session.awaitExit();
            status = request instanceof PendingStream.Exec exec ? ExitStatus.of(exec.cmd(), code) : ExitStatus.of(java.util.List.of(), 0);
        } catch (JcriException e) {
            status = ExitStatus.failure(e.getMessage());
        } catch (IOException e) {
            LOG.info("{} failed: {}", request.kind(), e.getMessage());
            status = ExitStatus.failure(request.kind() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = ExitStatus.failure(request.kind() + " interrupted");
        } catch (RuntimeException e) {
            LOG.warn("{} failed", request.kind(), e);
            status = ExitStatus.failure(request.kind() + " failed: " + e);
        } finally {
            if (session != null) {
                session.close();
            }
        }
        channels.finish(status);
    }

    private static TerminalSize awaitFirstSize(CompletableFuture<TerminalSize> firstSize) throws InterruptedException {
        try {
            return firstSize.get(FIRST_SIZE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return TerminalSize.DEFAULT;
        }
    }

    /** The client's input to the session's stdin, on a platform thread (a terminal's writes are native calls). */
    private static void copyStdin(InboundPipe from, OutputStream to) {
        Thread.ofPlatform().name("stdin-copy").daemon().stackSize(256 * 1024).start(() -> {
            try (to) {
                for (byte[] chunk; (chunk = from.take()) != null; ) {
                    to.write(chunk);
                    to.flush();
                }
            } catch (IOException | InterruptedException e) {
                LOG.debug("stdin copy ended: {}", e.toString());
            }
        });
    }

    /** The session once it exists; a size that arrives before it is applied when it is set. */
    private static final class SessionRef {
        private Session session;
        private TerminalSize latest;

        synchronized void set(Session s) throws IOException {
            session = s;
            if (latest != null) {
                s.resize(latest);
            }
        }

        synchronized void resize(TerminalSize size) throws IOException {
            latest = size;
            if (session != null) {
                session.resize(size);
            }
        }
    }

    /** Reads the resize stream's JSON objects ({"Width":W,"Height":H}, one after another). */
    private static void readSizes(InboundPipe pipe, CompletableFuture<TerminalSize> firstSize, SessionRef ref) {
        Thread.ofVirtual().name("resize").start(() -> {
            try (InputStream in = new BoundedMessages(pipe.asInputStream(), RESIZE_MESSAGE_LIMIT);
                    MappingIterator<JsonNode> sizes = Json.reader().forType(JsonNode.class).readValues(in)) {
                while (sizes.hasNextValue()) {
                    JsonNode node = sizes.nextValue();
                    TerminalSize size = new TerminalSize(node.path("Width").asInt(0), node.path("Height").asInt(0));
                    firstSize.complete(size);
                    ref.resize(size);
                }
            } catch (Exception e) {
                LOG.debug("resize stream ended: {}", e.toString());
                pipe.abort();
            }
            firstSize.complete(TerminalSize.DEFAULT);
        });
    }

    /**
     * Fails a stream whose JSON value grows beyond a limit without a closing brace: the parser would
     * otherwise buffer whatever a client sends as one endless value.
     */
    private static final class BoundedMessages extends java.io.FilterInputStream {
        private final int limit;
        private int depth;
        private int sinceOutermost;

        BoundedMessages(InputStream in, int limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = off; i < off + Math.max(n, 0); i++) {
                if (b[i] == '{') {
                    depth++;
                } else if (b[i] == '}') {
                    depth = Math.max(0, depth - 1);
                    if (depth == 0) {
                        sinceOutermost = 0;
                        continue;
                    }
                }
                if (++sinceOutermost > limit) {
                    throw new IOException("a resize message is longer than " + limit + " bytes");
                }
            }
            return n;
        }
    }
}
