package dev.jcri.server.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server on a UNIX domain socket (Netty epoll), and the socket file's life cycle.
 *
 * <p>Two jcri daemons must never share a socket: a lock file beside the socket is held for the
 * daemon's life, so a second start fails at once with a clear message. A socket file left by a
 * crashed daemon (nobody answers on it, nobody holds the lock) is replaced.
 */
public final class UnixSocketServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketServer.class);

    private final Path socket;
    private final Server server;
    private final EventLoopGroup eventLoops;
    private final ExecutorService handlerThreads;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile boolean stopping;

    private UnixSocketServer(Path socket, Server server, EventLoopGroup eventLoops, ExecutorService handlerThreads,
            FileChannel lockChannel, FileLock lock) {
        this.socket = socket;
        this.server = server;
        this.eventLoops = eventLoops;
        this.handlerThreads = handlerThreads;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Thrown when another live daemon owns the socket. */
    public static final class SocketInUseException extends IOException {
        public SocketInUseException(String message) {
            super(message);
        }
    }

    /**
     * Claims the socket path and starts serving the given services.
     *
     * @throws SocketInUseException if a live daemon serves this socket
     */
    public static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services,
            CallObserver observer, int maxMessageBytes) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // 0711: clients may reach the socket by path, but not list what else lives here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));

        Path lockFile = dir.resolve(socket.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new SocketInUseException("another jcri is serving " + socket + " (it holds " + lockFile
                    + "); stop it first or choose another --socket");
        }
        try {
            removeStaleSocket(socket);
            EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cri-", 0).factory());
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(loops)
                    .workerEventLoopGroup(loops)
                    .executor(handlers)
                    .maxInboundMessageSize(maxMessageBytes)
                    .maxInboundMetadataSize(1024 * 1024);
            for (ServerServiceDefinition service : services) {
                builder.addService(ServerInterceptors.intercept(service, observer));
            }
            Server server = builder.build().start();
            // 0660: root and the socket's group (kubelet runs as root; an operator may add a group).
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            LOG.info("serving CRI on unix://{}", socket);
            return new UnixSocketServer(socket, server, loops, handlers, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** We hold the lock, so any socket file here is stale unless something else answers on it. */
    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new SocketInUseException("something is still serving " + socket
                    + " (not a jcri holding its lock file); refusing to replace it");
        } catch (SocketInUseException e) {
            throw e;
        } catch (IOException refused) {
            LOG.info("replacing stale socket {} left by an earlier run", socket);
            Files.delete(socket);
        }
    }

    /**
     * Runs {@code action} if the event loop that serves the socket ends other than by
     * {@link #shutdown}: no call would be served again, and a daemon in that state must not linger.
     */
    public void onUnexpectedStop(Runnable action) {
        eventLoops.terminationFuture().addListener(f -> {
            if (!stopping) {
                action.run();
            }
        });
    }

    /**
     * Stops accepting calls, lets in-flight ones finish for up to {@code grace}, then cancels the
     * rest, and removes the socket. Containers are not touched: they belong to their monitors.
     */
    public void shutdown(Duration grace) {
        stopping = true;
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("in-flight calls still running after {} s: cancelling them", grace.toSeconds());
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        handlerThreads.shutdownNow();
        eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove socket {}: {}", socket, e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.debug("releasing the socket lock: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
