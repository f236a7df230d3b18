package dev.jcri.server.grpc;

/**
 * One unary CRI method's handler: takes the request, returns the response, or throws. Handlers run
 * on virtual threads, so they may block. Throw a gRPC {@link io.grpc.StatusRuntimeException} for a
 * deliberate error code; anything else becomes INTERNAL (see {@link RpcErrors}).
 */
@FunctionalInterface
public interface UnaryRpc<Q, R> {
    R handle(Q request) throws Exception;
}
