package dev.jcri.conformance;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeServiceGrpc;

/**
 * A CRI client on a UNIX socket, as kubelet and crictl connect: any runtime (jcri, containerd,
 * CRI-O) can be on the other end.
 */
public final class CriClient implements AutoCloseable {

    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Path socket;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    public CriClient(Path socket) {
        this.socket = socket;
        this.loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(loop)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
    }

    /** Parses "unix:///path" or a plain path. */
    public static Path socketOf(String endpoint) {
        return Path.of(endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : endpoint);
    }

    public Path socket() {
        return socket;
    }

    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var _ = loop.shutdownGracefully(0, 1, TimeUnit.SECONDS); // no need to wait for the loop to stop
    }
}
