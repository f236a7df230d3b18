package dev.jcri.server.streaming;

import dev.jcri.sandbox.stream.ContainerStreams;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP request of a streaming connection: {@code GET /KIND/TOKEN} with an upgrade to
 * SPDY/3.1 (or WebSocket). The token is used up here, whatever follows. An unknown, used or
 * expired token, or a path that is not one of ours, gets 404 and nothing else; a request without
 * a usable upgrade 400; no common sub-protocol 403 naming the ones accepted. After a successful
 * upgrade the HTTP handlers leave the pipeline to the protocol's own.
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
final class UpgradeRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeRouter.class);
    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
    static final String ACCEPTED_HEADER = "X-Accepted-Stream-Protocol-Versions";

    private final StreamTokens tokens;
    private final ContainerStreams streams;
    private final StreamMetrics metrics;

    UpgradeRouter(StreamTokens tokens, ContainerStreams streams, StreamMetrics metrics) {
        this.tokens = tokens;
        this.streams = streams;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request\n", null);
            return;
        }
        List<String> path = List.of(new QueryStringDecoder(request.uri()).path().split("/"));
        Optional<PendingStream> pending = path.size() == 3 && path.get(0).isEmpty()
                ? tokens.take(path.get(2)).filter(p -> p.kind().equals(path.get(1))) : Optional.empty();
        if (pending.isEmpty()) {
            metrics.rejected("token");
            respond(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found\n", null);
            return;
        }
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
        if (upgrade.equalsIgnoreCase("SPDY/3.1")) {
            upgradeToSpdy(ctx, request, pending.get());
        } else if (upgrade.equalsIgnoreCase("websocket")) {
            WebSocketConnection.handshake(ctx, request, pending.get(), streams, metrics);
        } else {
            metrics.rejected("upgrade");
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "streaming needs Upgrade: SPDY/3.1 or websocket\n", null);
        }
    }

    private void upgradeToSpdy(ChannelHandlerContext ctx, FullHttpRequest request, PendingStream pending) {
        List<String> supported = pending instanceof PendingStream.PortForward
                ? StreamProtocols.SPDY_PORT_FORWARD : StreamProtocols.SPDY_COMMAND;
        List<String> offered = StreamProtocols.offered(request.headers().getAll(PROTOCOL_HEADER));
        String chosen = offered.isEmpty() ? supported.getLast() : StreamProtocols.choose(offered, supported);
        if (chosen == null) {
            metrics.rejected("protocol");
            respond(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client supports "
                    + offered + ", server accepts " + supported + "\n", String.join(", ", supported));
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        if (!offered.isEmpty()) {
            response.headers().set(PROTOCOL_HEADER, chosen);
        }
        ctx.writeAndFlush(response); // encoded now, by the HTTP codec still in place
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(StreamingServer.AGGREGATOR);
        pipeline.remove(StreamingServer.HTTP_CODEC);
        pipeline.addAfter(ctx.name(), "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        pipeline.addAfter("spdy", "spdy-connection", new SpdyConnection(pending, chosen, streams, metrics));
        pipeline.remove(this);
        metrics.sessionStarted(pending.kind(), chosen);
        LOG.debug("{} over SPDY/3.1 ({})", pending.kind(), chosen);
    }

    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String accepted) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (accepted != null) {
            response.headers().set(ACCEPTED_HEADER, accepted);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming request failed: {}", cause.toString());
        ctx.close();
    }
}
