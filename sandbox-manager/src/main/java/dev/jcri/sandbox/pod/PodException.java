package dev.jcri.sandbox.pod;

/** Base of the sandbox manager's own errors, which the RPC layer maps to gRPC codes. */
public class PodException extends Exception {
    public PodException(String message) {
        super(message);
    }

    public PodException(String message, Throwable cause) {
        super(message, cause);
    }
}
