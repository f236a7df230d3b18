package dev.jcri.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * Where calls run: in-memory methods on the event loop that read them (no hand-off), every other
 * method on a virtual thread, and an in-memory method's blocking requests (verbose) handed off
 * too; a call blocked in its handler holds up no other call, in-memory ones included.
 */
class CallThreadsTest {

    @TempDir
    Path dir;

    @Test
    void inMemoryCallsRunOnTheLoopAndBlockingOnesNever() throws Exception {
        Map<String, Thread> ranOn = new ConcurrentHashMap<>();
        CountDownLatch release = new CountDownLatch(1);
        ServiceBinder binder = new ServiceBinder(RuntimeServiceGrpc.getServiceDescriptor())
                .inMemory(RuntimeServiceGrpc.getVersionMethod(), r -> {
                    ranOn.put("Version", Thread.currentThread());
                    return Api.VersionResponse.newBuilder().setRuntimeName("t").build();
                })
                .inMemory(RuntimeServiceGrpc.getContainerStatusMethod(), r -> {
                    ranOn.put(r.getVerbose() ? "verbose" : "plain", Thread.currentThread());
                    return Api.ContainerStatusResponse.getDefaultInstance();
                }, Api.ContainerStatusRequest::getVerbose)
                .unary(RuntimeServiceGrpc.getListPodSandboxMethod(), r -> {
                    ranOn.put("List", Thread.currentThread());
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                    return Api.ListPodSandboxResponse.getDefaultInstance();
                });
        Path socket = dir.resolve("t.sock");
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (UnixSocketServer _ = UnixSocketServer.start(socket, List.of(binder.build()),
                new CallObserver(new SimpleMeterRegistry()), 1 << 20, binder.inMemoryMethods())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .eventLoopGroup(loop).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
            try {
                var blocking = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                ListenableFuture<Api.ListPodSandboxResponse> list = RuntimeServiceGrpc.newFutureStub(channel)
                        .listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance());
                while (!ranOn.containsKey("List")) {
                    Thread.onSpinWait(); // until the blocking call is inside its handler
                }
                assertEquals("t", blocking.version(Api.VersionRequest.getDefaultInstance()).getRuntimeName(),
                        "answered while another call blocks");
                blocking.containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId("c").build());
                blocking.containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId("c").setVerbose(true).build());
                assertFalse(list.isDone());
                release.countDown();
                list.get(30, TimeUnit.SECONDS);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            var _ = loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        assertFalse(ranOn.get("Version").isVirtual(), "Version on the event loop: " + ranOn.get("Version"));
        assertFalse(ranOn.get("plain").isVirtual(), "a plain status on the event loop: " + ranOn.get("plain"));
        assertTrue(ranOn.get("verbose").isVirtual(), "a verbose status handed off: " + ranOn.get("verbose"));
        assertTrue(ranOn.get("List").isVirtual(), "a blocking method on a virtual thread: " + ranOn.get("List"));
        assertEquals(ranOn.get("Version"), ranOn.get("plain"), "both on the one event loop");
    }
}
