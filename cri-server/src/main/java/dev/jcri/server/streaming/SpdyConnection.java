package dev.jcri.server.streaming;

import dev.jcri.sandbox.stream.ContainerStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SPDY/3.1 connection after the upgrade, as Kubernetes' clients use it: the client opens
 * streams (SYN_STREAM, header {@code streamtype}), the server accepts each (SYN_REPLY) and carries
 * bytes on them (DATA, FIN ends a direction, RST_STREAM both).
 *
 * <p>Exec and attach: once the streams the request implies are open (error; stdin, stdout, stderr
 * as asked; resize with a terminal from v3), the command runs ({@link RemoteCommand}).
 * Port-forward ({@code portforward.k8s.io}): streams come in pairs (error + data) with the same
 * {@code requestid} and a {@code port} header; each pair is one forwarded connection
 * ({@link PortForwarding}), and a failed one leaves the others running.
 *
 * <p>Anything that breaks the framing (a malformed frame, a reused or even stream id, data on an
 * unknown stream) closes the connection; so does a client that does not open its streams within
 * {@link #STREAM_CREATION_TIMEOUT_SECONDS}, and the idle timeout.
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
final class SpdyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);
    /** kubelet's stream creation timeout. */
    static final long STREAM_CREATION_TIMEOUT_SECONDS = 30;
    /** Streams a connection may open: exec needs 5, a port-forward 2 per connection it carries. */
    private static final int MAX_STREAMS = 1024;

    private final PendingStream request;
    private final String protocol;
    private final ContainerStreams streams;
    private final StreamMetrics metrics;
    private ChannelHandlerContext ctx;
    private Backpressure backpressure;
    private int lastStreamId;
    private int streamCount;
    private final Map<Integer, InboundPipe> inbound = new HashMap<>();
    private final Map<String, Integer> commandStreams = new HashMap<>();
    private final Map<String, Map<String, Integer>> forwardPairs = new HashMap<>();
    private final Map<Integer, PortForwarding> forwardsByStream = new ConcurrentHashMap<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startedNanos = System.nanoTime();
    private ScheduledFuture<?> creationTimeout;
    private boolean commandStarted;

    SpdyConnection(PendingStream request, String protocol, ContainerStreams streams, StreamMetrics metrics) {
        this.request = request;
        this.protocol = protocol;
        this.streams = streams;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.backpressure = new Backpressure(ctx.channel());
        if (!(request instanceof PendingStream.PortForward)) {
            creationTimeout = ctx.executor().schedule(() -> {
                if (!commandStarted) {
                    LOG.info("{}: the client did not open its streams within {} s", request.kind(), STREAM_CREATION_TIMEOUT_SECONDS);
                    ctx.close();
                }
            }, STREAM_CREATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> onSynStream(syn);
                case SpdyDataFrame data -> onData(data);
                case SpdyRstStreamFrame rst -> onReset(rst.streamId());
                case SpdyPingFrame ping -> ctx.writeAndFlush(new io.netty.handler.codec.spdy.DefaultSpdyPingFrame(ping.id()));
                case SpdyGoAwayFrame goAway -> ctx.close();
                default -> { } // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (Kubernetes' clients do no flow control)
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onSynStream(SpdySynStreamFrame syn) {
        int id = syn.streamId();
        if (id <= lastStreamId || (id & 1) == 0 || ++streamCount > MAX_STREAMS) {
            protocolError("stream id " + id + " is not a new client stream");
            return;
        }
        lastStreamId = id;
        String type = header(syn, "streamtype");
        ctx.writeAndFlush(replyFor(id, type));
        if (request instanceof PendingStream.PortForward forward) {
            onForwardStream(forward, id, type, syn);
        } else {
            onCommandStream(id, type);
        }
        if (syn.isLast()) {
            finishInbound(id);
        }
    }

    private static DefaultSpdySynReplyFrame replyFor(int id, String type) {
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
        // one header at least: an empty header block is not a valid zlib stream for Go's framer
        reply.headers().set("streamtype", type == null ? "" : type);
        return reply;
    }

    private void onCommandStream(int id, String type) {
        if (type == null || !expectedCommandStreams().contains(type) || commandStreams.containsKey(type) || commandStarted) {
            LOG.debug("{}: unexpected stream type {}", request.kind(), type);
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
            return;
        }
        commandStreams.put(type, id);
        if (type.equals("stdin") || type.equals("resize")) {
            inbound.put(id, new InboundPipe(backpressure));
        }
        if (commandStreams.keySet().containsAll(expectedCommandStreams())) {
            commandStarted = true;
            if (creationTimeout != null) {
                creationTimeout.cancel(false);
            }
            CommandChannels channels = new Channels();
            Thread.ofVirtual().name(request.kind() + "-session").start(() -> RemoteCommand.run(request, streams, channels));
        }
    }

    /** The streams a client of this request and protocol opens. */
    private Set<String> expectedCommandStreams() {
        boolean tty;
        boolean stdin;
        boolean stdout;
        boolean stderr;
        switch (request) {
            case PendingStream.Exec e -> {
                tty = e.tty(); stdin = e.stdin(); stdout = e.stdout(); stderr = e.stderr();
            }
            case PendingStream.Attach a -> {
                tty = a.tty(); stdin = a.stdin(); stdout = a.stdout(); stderr = a.stderr();
            }
            default -> throw new IllegalStateException();
        }
        Set<String> expected = new java.util.HashSet<>(List.of("error"));
        if (stdin) {
            expected.add("stdin");
        }
        if (stdout) {
            expected.add("stdout");
        }
        if (stderr && !tty) {
            expected.add("stderr");
        }
        if (tty && (protocol.equals("v3.channel.k8s.io") || protocol.equals("v4.channel.k8s.io"))) {
            expected.add("resize");
        }
        return expected;
    }

    private void onForwardStream(PendingStream.PortForward forward, int id, String type, SpdySynStreamFrame syn) {
        String requestId = header(syn, "requestid");
        if (requestId == null) {
            // clients before requestid pair an error stream with the data stream opened right after it
            requestId = Integer.toString(type != null && type.equals("data") ? id - 2 : id);
        }
        if (type == null || !(type.equals("data") || type.equals("error"))) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
            return;
        }
        Map<String, Integer> pair = forwardPairs.computeIfAbsent(requestId, k -> new HashMap<>());
        if (pair.putIfAbsent(type, id) != null) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
            return;
        }
        inbound.put(id, new InboundPipe(backpressure));
        if (pair.size() < 2) {
            return;
        }
        forwardPairs.remove(requestId);
        int dataId = pair.get("data");
        int errorId = pair.get("error");
        Outbound data = new StreamOut(dataId);
        Outbound error = new StreamOut(errorId);
        Integer port = parsePort(header(syn, "port"));
        if (port == null || (!forward.ports().isEmpty() && !forward.ports().contains(port))) {
            String message = "port " + header(syn, "port") + " is not one this port-forward was granted " + forward.ports();
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    error.write(bytes, 0, bytes.length);
                } catch (java.io.IOException ignored) {
                    // the client is gone
                }
                error.close();
                data.close();
            });
            return;
        }
        PortForwarding forwarding = new PortForwarding(streams, forward.podId(), port, inbound.get(dataId), data, error);
        forwardsByStream.put(dataId, forwarding);
        forwardsByStream.put(errorId, forwarding);
        Thread.ofVirtual().name("forward-" + port).start(() -> {
            try {
                forwarding.run();
            } finally {
                forwardsByStream.remove(dataId);
                forwardsByStream.remove(errorId);
            }
        });
    }

    private static Integer parsePort(String text) {
        try {
            int port = Integer.parseInt(text == null ? "" : text.strip());
            return port >= 1 && port <= 65535 ? port : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void onData(SpdyDataFrame frame) {
        int id = frame.streamId();
        if (id > lastStreamId || (id & 1) == 0) {
            protocolError("data on stream " + id + ", which the client never opened");
            return;
        }
        InboundPipe pipe = inbound.get(id);
        ByteBuf content = frame.content();
        if (content.isReadable()) {
            metrics.received(content.readableBytes());
            if (pipe != null) {
                pipe.offer(ByteBufUtil.getBytes(content));
            }
        }
        if (frame.isLast()) {
            finishInbound(id);
        }
    }

    private void finishInbound(int id) {
        InboundPipe pipe = inbound.get(id);
        if (pipe != null) {
            pipe.finish();
        }
    }

    private void onReset(int id) {
        InboundPipe pipe = inbound.get(id);
        if (pipe != null) {
            pipe.abort();
        }
        PortForwarding forwarding = forwardsByStream.get(id);
        if (forwarding != null) {
            forwarding.reset();
        }
    }

    private void protocolError(String why) {
        LOG.info("{}: closing a SPDY connection: {}", request.kind(), why);
        ctx.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId, 1)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        backpressure.signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.info("{}: closing an idle streaming connection", request.kind());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("{}: closing a SPDY connection: {}", request.kind(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (creationTimeout != null) {
            creationTimeout.cancel(false);
        }
        inbound.values().forEach(InboundPipe::abort);
        forwardsByStream.values().forEach(PortForwarding::reset);
        backpressure.signal();
        List<Runnable> actions;
        synchronized (onClose) {
            actions = List.copyOf(onClose);
        }
        // the actions block (killing an exec tree): never on the event loop
        Thread.ofVirtual().name(request.kind() + "-cleanup").start(() -> actions.forEach(Runnable::run));
        metrics.sessionEnded(request.kind(), System.nanoTime() - startedNanos);
    }

    private static String header(SpdySynStreamFrame syn, String name) {
        return syn.headers().getAsString(name);
    }

    /** Bytes towards the client on one stream, as DATA frames; FIN at close. */
    private final class StreamOut implements Outbound {
        private final int id;
        private final AtomicBoolean finished = new AtomicBoolean();

        StreamOut(int id) {
            this.id = id;
        }

        @Override
        public void write(byte[] data, int offset, int length) throws java.io.IOException {
            if (finished.get()) {
                throw new java.io.IOException("stream " + id + " is closed");
            }
            backpressure.awaitWritable();
            ctx.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(data, offset, length)));
            metrics.sent(length);
        }

        @Override
        public void close() {
            if (finished.compareAndSet(false, true) && ctx.channel().isActive()) {
                DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
                fin.setLast(true);
                ctx.writeAndFlush(fin);
            }
        }
    }

    /** The exec/attach streams, once all are open. */
    private final class Channels implements CommandChannels {
        private final Outbound stdout = stream("stdout");
        private final Outbound stderr = stream("stderr");
        private final InboundPipe stdin = pipe("stdin");
        private final InboundPipe resize = pipe("resize");

        private Outbound stream(String type) {
            Integer id = commandStreams.get(type);
            return id == null ? null : new StreamOut(id);
        }

        private InboundPipe pipe(String type) {
            Integer id = commandStreams.get(type);
            return id == null ? null : inbound.get(id);
        }

        @Override
        public Outbound stdout() {
            return stdout;
        }

        @Override
        public Outbound stderr() {
            return stderr;
        }

        @Override
        public InboundPipe stdin() {
            return stdin;
        }

        @Override
        public InboundPipe resize() {
            return resize;
        }

        @Override
        public void abort(String why) {
            LOG.warn("{}: closing the client's connection: {}", request.kind(), why);
            ctx.channel().close();
        }

        @Override
        public void finish(ExitStatus status) {
            if (stdout != null) {
                stdout.close();
            }
            if (stderr != null) {
                stderr.close();
            }
            Outbound error = stream("error");
            byte[] body = protocol.equals("v4.channel.k8s.io") ? status.toStatusJson() : status.toPlainText();
            try {
                if (body.length > 0 && ctx.channel().isActive()) {
                    error.write(body, 0, body.length);
                }
            } catch (java.io.IOException ignored) {
                // the client is gone
            }
            error.close();
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onClose(Runnable action) {
            synchronized (onClose) {
                if (!closed.get()) {
                    onClose.add(action);
                    return;
                }
            }
            action.run();
        }
    }
}
