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

    /**
     * Largest error description sent, as it travels (grpc-message is percent-encoded: a byte
     * outside printable ASCII costs three). A description echoing a huge request field would not
     * fit in the trailers a client accepts (grpc-java: 8 KiB of headers), and the client would see
     * a transport error instead of the answer.
     */
    static final int MAX_DESCRIPTION_ENCODED = 4096;

    /** Maps a handler's exception to a status with a bounded description. */
    public static Status toStatus(String method, Throwable t) {
        Status status = unbounded(method, t);
        String d = status.getDescription();
        return d == null ? status : status.withDescription(bounded(d));
    }

    static String bounded(String description) {
        int cost = 0;
        int i = 0;
        while (i < description.length()) {
            int cp = description.codePointAt(i);
            cost += cp >= 0x20 && cp < 0x7f && cp != '%' ? 1 : 3 * new String(Character.toChars(cp)).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length;
            if (cost > MAX_DESCRIPTION_ENCODED) {
                return description.substring(0, i) + "... (cut: " + (description.length() - i) + " more characters)";
            }
            i += Character.charCount(cp);
        }
        return description;
    }

    private static Status unbounded(String method, Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (t instanceof StatusException e) {
            return e.getStatus();
        }
        var domain = dev.jcri.errors.JcriException.find(t);
        if (domain.isPresent()) {
            dev.jcri.errors.Classified e = domain.get();
            Throwable error = (Throwable) e;
            if (e.kind() == dev.jcri.errors.JcriException.Kind.INTERNAL) {
                LOG.warn("{} failed", method, error);
            }
            return codeOf(e.kind()).toStatus().withDescription(error.getMessage()).withCause(error);
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
