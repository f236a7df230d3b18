package dev.jcri.errors;

import java.io.IOException;
import java.util.Optional;

/**
 * jcri's one error vocabulary: every domain failure carries a {@link Kind} (what the caller can do
 * about it) and, for a bad request, the request field at fault. The gRPC layer maps the kind to a
 * status code in one place; modules below it never know about gRPC.
 *
 * <p>It is an {@link IOException} on purpose: the lifecycles are I/O all the way down (files,
 * mounts, child processes), their methods already declare {@code IOException}, and a domain error
 * must travel through them without being wrapped at every level. Code that catches
 * {@code IOException} to treat "the host failed" must let a {@code JcriException} pass
 * ({@code catch (JcriException e) { throw e; }} first) unless it means to handle it.
 */
public class JcriException extends IOException implements Classified {

    /** What went wrong, from the caller's side (the CRI client's). Mirrors gRPC's codes that jcri uses. */
    public enum Kind {
        /** The request itself is wrong; retrying it unchanged fails again. */
        INVALID_ARGUMENT,
        /** The object the request names does not exist. */
        NOT_FOUND,
        /** The object (or its name) exists already. */
        ALREADY_EXISTS,
        /** The object is not in a state that allows the request (start twice, create in a stopped pod). */
        FAILED_PRECONDITION,
        /** A number in the request is outside what is allowed. */
        OUT_OF_RANGE,
        /** The registry wants credentials the request did not carry (or they were wrong). */
        UNAUTHENTICATED,
        /** The registry or a credential refused access. */
        PERMISSION_DENIED,
        /** A limit was reached (disk full, a size cap on outside data). */
        RESOURCE_EXHAUSTED,
        /** A dependency is down or not ready yet (registry, network plugin); retrying later may work. */
        UNAVAILABLE,
        /** A deadline ran out. */
        DEADLINE_EXCEEDED,
        /** Content did not match its digest: what was received is not what was asked for. */
        DATA_LOSS,
        /** jcri does not do this (yet). */
        UNIMPLEMENTED,
        /** The call was cancelled (interrupted) before it finished. */
        CANCELLED,
        /** jcri or the host failed; the request was fine. */
        INTERNAL
    }

    private final Kind kind;
    private final String field;

    protected JcriException(Kind kind, String field, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = field;
    }

    public JcriException(Kind kind, String message) {
        this(kind, null, message, null);
    }

    public JcriException(Kind kind, String message, Throwable cause) {
        this(kind, null, message, cause);
    }

    /** A bad request field: the message starts with the field's name, as a CRI client expects to read it. */
    public static JcriException invalidArgument(String field, String problem) {
        return new JcriException(Kind.INVALID_ARGUMENT, field, field + ": " + problem, null);
    }

    /** As {@link #invalidArgument(String, String)}, keeping what detected the problem. */
    public static JcriException invalidArgument(String field, String problem, Throwable cause) {
        return new JcriException(Kind.INVALID_ARGUMENT, field, field + ": " + problem, cause);
    }

    /** A bad request whose message already names the field (or names several). */
    public static JcriException invalid(String message) {
        return new JcriException(Kind.INVALID_ARGUMENT, message);
    }

    /** A number in the request outside its range; the message names the field. */
    public static JcriException outOfRange(String field, String problem) {
        return new JcriException(Kind.OUT_OF_RANGE, field, field + ": " + problem, null);
    }

    /** {@code what} is the object's kind ("container", "pod sandbox", "image"). */
    public static JcriException notFound(String what, String id) {
        return new JcriException(Kind.NOT_FOUND, null, what + " " + id + " not found", null);
    }

    public static JcriException alreadyExists(String message) {
        return new JcriException(Kind.ALREADY_EXISTS, message);
    }

    public static JcriException failedPrecondition(String message) {
        return new JcriException(Kind.FAILED_PRECONDITION, message);
    }

    public static JcriException resourceExhausted(String message) {
        return new JcriException(Kind.RESOURCE_EXHAUSTED, message);
    }

    public static JcriException unavailable(String message, Throwable cause) {
        return new JcriException(Kind.UNAVAILABLE, message, cause);
    }

    public static JcriException deadlineExceeded(String message) {
        return new JcriException(Kind.DEADLINE_EXCEEDED, message);
    }

    public static JcriException unimplemented(String message) {
        return new JcriException(Kind.UNIMPLEMENTED, message);
    }

    public static JcriException internal(String message, Throwable cause) {
        return new JcriException(Kind.INTERNAL, message, cause);
    }

    @Override
    public Kind kind() {
        return kind;
    }

    /** The request field at fault (CRI names, dotted: "linux.security_context.run_as_group"), or null. */
    public String field() {
        return field;
    }

    /**
     * The domain error behind {@code t}: {@code t} itself, or the first {@link Classified} error in
     * its cause chain (a future's ExecutionException, a wrapper); empty when there is none.
     */
    @SuppressWarnings("ReferenceEquality") // identity is the point: a cause that is the exception itself
    public static Optional<Classified> find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Classified e) {
                return Optional.of(e);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return Optional.empty();
    }
}
