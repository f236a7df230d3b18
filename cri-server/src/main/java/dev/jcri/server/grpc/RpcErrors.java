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
        var domain = dev.jcri.errors.JcriException.find(t);
        if (domain.isPresent()) {
            dev.jcri.errors.JcriException e = domain.get();
            if (e.kind() == dev.jcri.errors.JcriException.Kind.INTERNAL) {
                LOG.warn("{} failed", method, e);
            }
            return codeOf(e.kind()).toStatus().withDescription(e.getMessage()).withCause(e);
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return Status.CANCELLED.withDescription(method + " interrupted");
        }
        LOG.warn("{} failed unexpectedly", method, t);
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return Status.INTERNAL.withDescription(message).withCause(t);
    }

    /** The gRPC code of each domain error kind: the one translation from jcri's vocabulary to gRPC. */
    static Status.Code codeOf(dev.jcri.errors.JcriException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
            case DATA_LOSS -> Status.Code.DATA_LOSS;
            case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
            case CANCELLED -> Status.Code.CANCELLED;
            case INTERNAL -> Status.Code.INTERNAL;
        };
    }
}
