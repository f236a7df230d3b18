package dev.jcri.server.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds one gRPC service from handlers contributed by several RPC groups. Every method of the
 * service descriptor is registered: those no group implements answer UNIMPLEMENTED naming the
 * method, so a client learns exactly what is missing instead of getting a transport error.
 */
public final class ServiceBinder {

    private final ServiceDescriptor descriptor;
    private final Map<String, ServerCallHandler<?, ?>> handlers = new LinkedHashMap<>();

    public ServiceBinder(ServiceDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    /** Registers a unary method. Registering a method twice is a programming error. */
    public <Q, R> ServiceBinder unary(MethodDescriptor<Q, R> method, UnaryRpc<Q, R> rpc) {
        String name = method.getFullMethodName();
        ServerCallHandler<Q, R> handler = ServerCalls.asyncUnaryCall((request, responses) -> {
            R response;
            try {
                response = rpc.handle(request);
            } catch (Throwable t) {
                responses.onError(RpcErrors.toStatus(name, t).asRuntimeException());
                return;
            }
            responses.onNext(response);
            responses.onCompleted();
        });
        put(name, handler);
        return this;
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
