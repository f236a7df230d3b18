package dev.jcri.sandbox.container;

import dev.jcri.sandbox.pod.PodException;

/** Container errors the RPC layer maps to gRPC codes; subclasses say which. */
public class ContainerException extends PodException {
    public ContainerException(String message) {
        super(message);
    }

    public ContainerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No container has this ID or prefix (NOT_FOUND). */
    public static final class NotFound extends ContainerException {
        public NotFound(String id) {
            super("container " + id + " not found");
        }
    }

    /** The request is malformed or names something impossible (INVALID_ARGUMENT). */
    public static final class Invalid extends ContainerException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** The container is not in a state that allows the call (FAILED_PRECONDITION). */
    public static final class WrongState extends ContainerException {
        public WrongState(String message) {
            super(message);
        }
    }

    /** The name is taken in this pod (ALREADY_EXISTS). */
    public static final class NameInUse extends ContainerException {
        public NameInUse(String message) {
            super(message);
        }
    }
}
