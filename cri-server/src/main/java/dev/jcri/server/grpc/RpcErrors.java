package dev.jcri.server.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what a handler threw into the gRPC status the client sees; the one place for that rule. */
public final class RpcErrors {

    private static final Logger LOG = LoggerFactory.getLogger(RpcErrors.class);

    private RpcErrors() {}

    public static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    public static StatusRuntimeException failedPrecondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    /** Maps a handler's exception to a status; unexpected ones are logged with their stack. */
    public static Status toStatus(String method, Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return Status.CANCELLED.withDescription(method + " interrupted");
        }
        LOG.warn("{} failed unexpectedly", method, t);
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return Status.INTERNAL.withDescription(message).withCause(t);
    }
}
