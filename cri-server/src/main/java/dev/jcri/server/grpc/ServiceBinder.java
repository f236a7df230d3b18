package dev.jcri.server.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Builds one gRPC service from handlers contributed by several RPC groups. Every method of the
 * service descriptor is registered: those no group implements answer UNIMPLEMENTED naming the
 * method, so a client learns exactly what is missing instead of getting a transport error.
 */
public final class ServiceBinder {

    private final ServiceDescriptor descriptor;
    private final Map<String, ServerCallHandler<?, ?>> handlers = new LinkedHashMap<>();
    private final Set<String> inMemory = ConcurrentHashMap.newKeySet();

    public ServiceBinder(ServiceDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    /** Registers a unary method. Registering a method twice is a programming error. */
    public <Q, R> ServiceBinder unary(MethodDescriptor<Q, R> method, UnaryRpc<Q, R> rpc) {
        String name = method.getFullMethodName();
        put(name, ServerCalls.asyncUnaryCall((Q request, StreamObserver<R> responses) -> respond(name, rpc, request, responses)));
        return this;
    }

    private static <Q, R> void respond(String name, UnaryRpc<Q, R> rpc, Q request, StreamObserver<R> responses) {
        R response;
        try {
            response = rpc.handle(request);
        } catch (Throwable t) {
            responses.onError(RpcErrors.toStatus(name, t).asRuntimeException());
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    /**
     * Registers a unary method that answers from memory: it never blocks (no disk, no child
     * process, no lock held across either), so it is run on the socket's event loop, where its
     * request was read, instead of being handed to a handler thread and back. These are the calls
     * kubelet makes every second (List, Status): each hand-off between threads costs a wake-up,
     * and on a loaded node a wait for a CPU, several times the work of the call itself.
     */
    public <Q, R> ServiceBinder inMemory(MethodDescriptor<Q, R> method, UnaryRpc<Q, R> rpc) {
        return inMemory(method, rpc, request -> false);
    }

    /**
     * As {@link #inMemory(MethodDescriptor, UnaryRpc)}, for a method some of whose requests do
     * block (a verbose status reads a file): those are handed to a virtual thread.
     */
    public <Q, R> ServiceBinder inMemory(MethodDescriptor<Q, R> method, UnaryRpc<Q, R> rpc, Predicate<Q> blocks) {
        String name = method.getFullMethodName();
        put(name, ServerCalls.asyncUnaryCall((Q request, StreamObserver<R> responses) -> {
            if (!blocks.test(request)) {
                respond(name, rpc, request, responses);
                return;
            }
            // the client may cancel meanwhile: answering a cancelled call is then a no-op, not an error
            ((ServerCallStreamObserver<R>) responses).setOnCancelHandler(() -> { });
            Thread.ofVirtual().name("cri-blocking").start(() -> respond(name, rpc, request, responses));
        }));
        inMemory.add(name);
        return this;
    }

    /** Full names of the methods registered with {@link #inMemory}. */
    public Set<String> inMemoryMethods() {
        return Set.copyOf(inMemory);
    }

    /** Registers a method with a hand-written call handler (server streaming and the like). */
    public <Q, R> ServiceBinder custom(MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler) {
        put(method.getFullMethodName(), handler);
        return this;
    }

    private void put(String name, ServerCallHandler<?, ?> handler) {
        if (handlers.putIfAbsent(name, handler) != null) {
            throw new IllegalStateException(name + " registered twice");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public ServerServiceDefinition build() {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor);
        for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
            ServerCallHandler handler = handlers.getOrDefault(method.getFullMethodName(), unimplemented(method));
            builder.addMethod((MethodDescriptor) method, handler);
        }
        return builder.build();
    }

    private static <Q, R> ServerCallHandler<Q, R> unimplemented(MethodDescriptor<Q, R> method) {
        String message = method.getFullMethodName() + " is not implemented by jcri yet";
        return (ServerCall<Q, R> call, Metadata headers) -> {
            call.close(Status.UNIMPLEMENTED.withDescription(message), new Metadata());
            return new ServerCall.Listener<>() {};
        };
    }
}
