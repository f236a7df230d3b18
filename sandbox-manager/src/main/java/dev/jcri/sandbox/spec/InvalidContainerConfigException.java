package dev.jcri.sandbox.spec;

/**
 * The CreateContainer request (or the image it names) cannot be turned into a runtime spec. The
 * message names the offending field so that it can be returned as gRPC INVALID_ARGUMENT as is.
 */
public final class InvalidContainerConfigException extends Exception {
    private final String field;

    public InvalidContainerConfigException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public InvalidContainerConfigException(String field, String message, Throwable cause) {
        super(field + ": " + message, cause);
        this.field = field;
    }

    /** The request field (CRI names, dotted: "linux.security_context.run_as_group") at fault. */
    public String field() {
        return field;
    }
}
