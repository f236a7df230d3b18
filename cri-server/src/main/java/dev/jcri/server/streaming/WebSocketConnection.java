package dev.jcri.server.streaming;

import dev.jcri.sandbox.stream.ContainerStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection (Kubernetes' channel protocols): every message starts with a channel
 * byte; exec and attach use 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, and v5 adds message
 * {255, N}: the client closed channel N. The {@code base64.} variants send text messages, the
 * channel as an ASCII digit followed by the base64 of the data. Port-forward gives each requested
 * port two channels (data 2i, error 2i+1), each opened by the server with the port number (two
 * bytes, little-endian).
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
final class WebSocketConnection extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);
    private static final int MAX_MESSAGE = 1 << 20;
    private static final int CLOSE_SIGNAL = 255;

    private final PendingStream request;
    private final String protocol;
    private final boolean base64;
    private final ContainerStreams streams;
    private final StreamMetrics metrics;
    private ChannelHandlerContext ctx;
    private Backpressure backpressure;
    private final InboundPipe[] inbound = new InboundPipe[256];
    private final List<Runnable> onClose = new ArrayList<>();
    private final List<PortForwarding> forwards = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startedNanos = System.nanoTime();

    private WebSocketConnection(PendingStream request, String protocol, ContainerStreams streams, StreamMetrics metrics) {
        this.request = request;
        this.protocol = protocol;
        this.base64 = protocol.contains("base64");
        this.streams = streams;
        this.metrics = metrics;
    }

    /** Answers the upgrade request and, once the handshake is written, hands the connection to a new instance. */
    static void handshake(ChannelHandlerContext ctx, FullHttpRequest request, PendingStream pending, ContainerStreams streams,
            StreamMetrics metrics) {
        List<String> supported = pending instanceof PendingStream.PortForward
                ? StreamProtocols.WEBSOCKET_PORT_FORWARD : StreamProtocols.WEBSOCKET_COMMAND;
        List<String> offered = StreamProtocols.offered(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        String chosen = offered.isEmpty() ? "channel.k8s.io" : StreamProtocols.choose(offered, supported);
        if (chosen == null) {
            metrics.rejected("protocol");
            UpgradeRouter.respond(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: no common protocol: client supports "
                    + offered + ", server accepts " + supported + "\n", null);
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://streaming" + request.uri(),
                String.join(",", supported), false, MAX_MESSAGE).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            ctx.close();
            return;
        }
        WebSocketConnection connection = new WebSocketConnection(pending, chosen, streams, metrics);
        String router = ctx.name();
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            ctx.pipeline().addAfter(router, "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            ctx.pipeline().addAfter("ws-aggregator", "ws-connection", connection);
            ctx.pipeline().remove(router);
            metrics.sessionStarted(pending.kind(), "websocket " + chosen);
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.backpressure = new Backpressure(ctx.channel());
        switch (request) {
            case PendingStream.PortForward forward -> startForwards(forward);
            default -> startCommand();
        }
    }

    private void startCommand() {
        boolean stdin = request instanceof PendingStream.Exec e ? e.stdin() : ((PendingStream.Attach) request).stdin();
        boolean tty = request instanceof PendingStream.Exec e ? e.tty() : ((PendingStream.Attach) request).tty();
        boolean stdout = request instanceof PendingStream.Exec e ? e.stdout() : ((PendingStream.Attach) request).stdout();
        boolean stderr = request instanceof PendingStream.Exec e ? e.stderr() : ((PendingStream.Attach) request).stderr();
        if (stdin) {
            inbound[0] = new InboundPipe(backpressure);
        }
        if (tty) {
            inbound[4] = new InboundPipe(backpressure);
        }
        Outbound out = stdout ? new ChannelOut(1) : null;
        Outbound err = stderr && !tty ? new ChannelOut(2) : null;
        CommandChannels channels = new CommandChannels() {
            @Override
            public Outbound stdout() {
                return out;
            }

            @Override
            public Outbound stderr() {
                return err;
            }

            @Override
            public InboundPipe stdin() {
                return inbound[0];
            }

            @Override
            public InboundPipe resize() {
                return inbound[4];
            }

            @Override
            public void finish(ExitStatus status) {
                byte[] body = protocol.startsWith("v4.") || protocol.startsWith("v5.") ? status.toStatusJson() : status.toPlainText();
                ChannelOut error = new ChannelOut(3);
                try {
                    if (body.length > 0) {
                        error.write(body, 0, body.length);
                    }
                } catch (java.io.IOException ignored) {
                    // the client is gone
                }
                closeConnection();
            }

            @Override
            public void abort(String why) {
                LOG.warn("{}: closing the client's connection: {}", request.kind(), why);
                ctx.channel().close();
            }

            @Override
            public void onClose(Runnable action) {
                WebSocketConnection.this.onClose(action);
            }
        };
        Thread.ofVirtual().name(request.kind() + "-session").start(() -> RemoteCommand.run(request, streams, channels));
    }

    private void startForwards(PendingStream.PortForward forward) {
        AtomicInteger running = new AtomicInteger(forward.ports().size());
        for (int i = 0; i < forward.ports().size() && 2 * i + 1 < CLOSE_SIGNAL; i++) {
            int port = forward.ports().get(i);
            ChannelOut data = new ChannelOut(2 * i);
            ChannelOut error = new ChannelOut(2 * i + 1);
            inbound[2 * i] = new InboundPipe(backpressure);
            PortForwarding forwarding = new PortForwarding(streams, forward.podId(), port, inbound[2 * i], data, error);
            forwards.add(forwarding);
            Thread.ofVirtual().name("forward-" + port).start(() -> {
                try {
                    byte[] portBytes = {(byte) port, (byte) (port >>> 8)};
                    data.write(portBytes, 0, 2);
                    error.write(portBytes, 0, 2);
                    forwarding.run();
                } catch (java.io.IOException e) {
                    LOG.debug("forward of port {} ended: {}", port, e.toString());
                } finally {
                    if (running.decrementAndGet() == 0) {
                        closeConnection();
                    }
                }
            });
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case BinaryWebSocketFrame binary when !base64 -> onMessage(ByteBufUtil.getBytes(binary.content()));
            case TextWebSocketFrame text when base64 -> onBase64Message(text.text());
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> ctx.close();
            case PongWebSocketFrame pong -> { }
            default -> protocolError("a " + frame.getClass().getSimpleName() + " on protocol " + protocol);
        }
    }

    private void onBase64Message(String text) {
        if (text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '9') {
            protocolError("a text message without a channel digit");
            return;
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(text.substring(1));
        } catch (IllegalArgumentException e) {
            protocolError("a text message that is not base64");
            return;
        }
        byte[] message = new byte[data.length + 1];
        message[0] = (byte) (text.charAt(0) - '0');
        System.arraycopy(data, 0, message, 1, data.length);
        onMessage(message);
    }

    private void onMessage(byte[] message) {
        if (message.length == 0) {
            return; // an empty message carries nothing, not even a channel
        }
        int channel = message[0] & 0xff;
        if (channel == CLOSE_SIGNAL && protocol.startsWith("v5.")) {
            if (message.length != 2) {
                protocolError("a close signal without exactly one channel");
                return;
            }
            InboundPipe pipe = inbound[message[1] & 0xff];
            if (pipe != null) {
                pipe.finish();
            }
            return;
        }
        InboundPipe pipe = inbound[channel];
        if (pipe == null) {
            protocolError("data on channel " + channel + ", which takes no input");
            return;
        }
        metrics.received(message.length - 1);
        pipe.offer(java.util.Arrays.copyOfRange(message, 1, message.length));
    }

    private void protocolError(String why) {
        LOG.info("{}: closing a WebSocket connection: {}", request.kind(), why);
        ctx.writeAndFlush(new CloseWebSocketFrame(1002, "protocol error")).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeConnection() {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void onClose(Runnable action) {
        synchronized (onClose) {
            if (!closed.get()) {
                onClose.add(action);
                return;
            }
        }
        action.run();
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
        LOG.info("{}: closing a WebSocket connection: {}", request.kind(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<Runnable> actions;
        synchronized (onClose) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            actions = List.copyOf(onClose);
        }
        for (InboundPipe pipe : inbound) {
            if (pipe != null) {
                pipe.abort();
            }
        }
        forwards.forEach(PortForwarding::reset);
        backpressure.signal();
        Thread.ofVirtual().name(request.kind() + "-cleanup").start(() -> actions.forEach(Runnable::run));
        metrics.sessionEnded(request.kind(), System.nanoTime() - startedNanos);
    }

    /** One channel towards the client. */
    private final class ChannelOut implements Outbound {
        private final int channel;

        ChannelOut(int channel) {
            this.channel = channel;
        }

        @Override
        public void write(byte[] data, int offset, int length) throws java.io.IOException {
            backpressure.awaitWritable();
            WebSocketFrame frame;
            if (base64) {
                frame = new TextWebSocketFrame((char) ('0' + channel)
                        + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(data, offset, offset + length)));
            } else {
                ByteBuf buf = Unpooled.buffer(length + 1).writeByte(channel).writeBytes(data, offset, length);
                frame = new BinaryWebSocketFrame(buf);
            }
            ctx.writeAndFlush(frame);
            metrics.sent(length);
        }

        @Override
        public void close() {
            if (protocol.startsWith("v5.") && ctx.channel().isActive()) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) CLOSE_SIGNAL, (byte) channel})));
            }
        }
    }
}
