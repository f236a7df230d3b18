package dev.jcri.server.streaming;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.stream.ContainerStreams;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jcri's streaming server: the HTTP(S) endpoint whose URLs Exec, Attach and PortForward return.
 * The RPC handlers validate a request, then {@link #exec}/{@link #attach}/{@link #portForward}
 * park it under a fresh single-use token and return {@code http://ADDRESS:PORT/KIND/TOKEN}; the
 * client (kubelet's proxy, crictl) then connects and upgrades to SPDY/3.1 or WebSocket.
 *
 * <p>One event loop thread does all the I/O; sessions run on virtual threads (process pipes,
 * sockets) or small platform threads (terminals, conmon's socket: native reads). Per connection,
 * outbound bytes wait in Netty's buffer up to {@link #HIGH_WATER} before writers block, inbound
 * bytes up to {@link InboundPipe#LIMIT} per stream before reading stops.
 */
// Netty: a failed write or close is reported through the pipeline (exceptionCaught, the channel's
// close future), which this class handles; nothing waits on the futures these calls return.
@SuppressWarnings("FutureReturnValueIgnored")
public final class StreamingServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingServer.class);
    static final String HTTP_CODEC = "http";
    static final String AGGREGATOR = "aggregator";
    /** The upgrade request has no body; its headers are small. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int LOW_WATER = 64 * 1024;
    static final int HIGH_WATER = 256 * 1024;
    /** A token's time to live, as kubelet's and containerd's. */
    public static final Duration TOKEN_TTL = Duration.ofMinutes(1);

    private final EventLoopGroup loop;
    private final Channel server;
    private final StreamTokens tokens;
    private final String baseUrl;

    private StreamingServer(EventLoopGroup loop, Channel server, StreamTokens tokens, String baseUrl) {
        this.loop = loop;
        this.server = server;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    /**
     * Listens on {@code address} (port 0: a free one).
     *
     * @param ssl      null for plain HTTP
     * @param tokenTtl how long a URL stays usable
     */
    public static StreamingServer start(InetSocketAddress address, Duration idleTimeout, SslContext ssl, Duration tokenTtl,
            ContainerStreams streams, MeterRegistry registry) throws IOException {
        StreamTokens tokens = new StreamTokens(tokenTtl, System::nanoTime);
        StreamMetrics metrics = new StreamMetrics(registry);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
                (java.util.concurrent.ThreadFactory) runnable -> Thread.ofPlatform().name("streaming-io").daemon().unstarted(runnable),
                NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER, HIGH_WATER))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                    .addLast(HTTP_CODEC, new HttpServerCodec())
                                    .addLast(AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast("router", new UpgradeRouter(tokens, streams, metrics));
                        }
                    })
                    .bind(address).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) server.localAddress();
            String url = (ssl != null ? "https://" : "http://") + urlHost(bound.getAddress()) + ":" + bound.getPort();
            LOG.info("streaming server on {}", url);
            return new StreamingServer(loop, server, tokens, url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("interrupted starting the streaming server");
        } catch (RuntimeException e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The host part of URLs: the listen address, or loopback when it listens on all addresses. */
    private static String urlHost(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return address instanceof Inet6Address ? "[::1]" : "127.0.0.1";
        }
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    /** The URL of an exec the caller has validated. */
    public String exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            throws JcriException {
        return url(new PendingStream.Exec(containerId, cmd, tty, stdin, stdout, stderr));
    }

    /** The URL of an attach the caller has validated. */
    public String attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) throws JcriException {
        return url(new PendingStream.Attach(containerId, tty, stdin, stdout, stderr));
    }

    /** The URL of a port-forward the caller has validated. */
    public String portForward(String podId, List<Integer> ports) throws JcriException {
        return url(new PendingStream.PortForward(podId, ports));
    }

    private String url(PendingStream request) throws JcriException {
        return baseUrl + "/" + request.kind() + "/" + tokens.issue(request);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
