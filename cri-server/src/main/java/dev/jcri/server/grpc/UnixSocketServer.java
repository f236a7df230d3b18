package dev.jcri.server.grpc;

import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.PrivateFiles;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
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
 * crashed daemon (nobody answers on it, nobody holds the lock) is replaced. The socket is 0660 from
 * the moment it appears at its path; the lock file is 0600.
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
     * <p>The socket is bound in a private directory beside its path ({@code .NAME.bind}, 0700),
     * given its mode there, then renamed into place: it never exists at its path with the umask's
     * mode (bind(2) creates it 0777 minus the umask), and a stale socket is replaced in the same
     * step. The directory's name is fixed per socket, so a crash's leftover is found and removed
     * by the next start (which holds the lock).
     *
     * <p>Calls run on virtual threads, except those of {@code eventLoopMethods} (full method
     * names; see {@link ServiceBinder#inMemory}): they run where their request was read.
     *
     * @throws SocketInUseException if a live daemon serves this socket
     */
    public static UnixSocketServer start(Path socket, List<ServerServiceDefinition> services,
            CallObserver observer, int maxMessageBytes, Set<String> eventLoopMethods) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        // 0711 when jcri makes it: clients reach the socket by path, but cannot list what else
        // lives there. An existing directory (the state dir, or the operator's) keeps its mode.
        PrivateFiles.createDirectories(dir, 0711);

        Path lockFile = dir.resolve(socket.getFileName() + ".lock");
        FileChannel lockChannel = PrivateFiles.openOrCreateFile(lockFile);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new SocketInUseException("another jcri is serving " + socket + " (it holds " + lockFile
                    + "); stop it first or choose another --socket");
        }
        Path bindDir = dir.resolve("." + socket.getFileName() + ".bind");
        Server server = null;
        try {
            refuseLiveSocket(socket);
            removeLeftover(bindDir);
            PrivateFiles.createDirectory(bindDir, PrivateFiles.DIRECTORY_MODE);
            Path bound = bindDir.resolve("sock");
            quietLeakDetector();
            EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cri-", 0).factory());
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(bound.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(loops)
                    .workerEventLoopGroup(loops)
                    // Calls start on the event loop (the direct executor); all but the in-memory
                    // ones move to a virtual thread as soon as their method is known.
                    .executor(DIRECT)
                    .callExecutor(new io.grpc.ServerCallExecutorSupplier() {
                        @Override
                        public <Q, R> Executor getExecutor(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers) {
                            return eventLoopMethods.contains(call.getMethodDescriptor().getFullMethodName()) ? null : handlers;
                        }
                    })
                    .maxInboundMessageSize(maxMessageBytes)
                    .maxInboundMetadataSize(1024 * 1024);
            for (ServerServiceDefinition service : services) {
                builder.addService(ServerInterceptors.intercept(service, observer));
            }
            server = builder.build().start();
            // 0660: root and the socket's group (kubelet runs as root; an operator may add a group).
            // Set while only root can reach it: its directory is 0700.
            PosixFiles.chmod(bound, SOCKET_MODE);
            // rename(2) keeps the inode the server listens on, and replaces a stale socket atomically
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeLeftoverQuietly(bindDir, null);
            LOG.info("serving CRI on unix://{}", socket);
            return new UnixSocketServer(socket, server, loops, handlers, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.shutdownNow();
            }
            removeLeftoverQuietly(bindDir, e);
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    private static final int SOCKET_MODE = 0660;

    /**
     * Netty's leak detector (on by default, sampling) records a stack trace for a sampled
     * buffer on every use and release: several in a hundred CRI calls paid for an exception's
     * stack walk, on the event loop. To hunt a leak, {@code -Dio.netty.leakDetection.level=...}
     * (in JCRI_JAVA_OPTS) still turns it on.
     */
    private static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Runs a task in the calling thread: the event loop that read the call. */
    private static final Executor DIRECT = Runnable::run;

    /**
     * We hold the lock, so a socket file at the path is stale unless something else answers on
     * it: then it is not ours to take. A stale one is replaced by the rename that publishes ours.
     */
    private static void refuseLiveSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException refused) {
            LOG.info("replacing stale socket {} left by an earlier run", socket);
            return;
        }
        throw new SocketInUseException("something is still serving " + socket
                + " (not a jcri holding its lock file); refusing to replace it");
    }

    /** The bind directory of a run that crashed before its rename (or of this failed start). */
    private static void removeLeftover(Path bindDir) throws IOException {
        if (Files.isDirectory(bindDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(bindDir.resolve("sock"));
            Files.delete(bindDir);
        }
    }

    /** As {@link #removeLeftover}, for cleanup paths: a failure is added to {@code failure}, or logged. */
    private static void removeLeftoverQuietly(Path bindDir, Exception failure) {
        try {
            removeLeftover(bindDir);
        } catch (IOException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warn("could not remove {} (the next start removes it): {}", bindDir, e.toString());
            }
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

    /** What keeps the socket from serving calls ({@link ServingProbe}), or empty when it serves. */
    public java.util.Optional<String> servingProblem(Duration within) {
        if (stopping || eventLoops.isShuttingDown()) {
            return java.util.Optional.of("the CRI socket is shutting down");
        }
        return ServingProbe.problem(socket, handlerThreads, within);
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
