package dev.jcri.image.error;

/**
 * Base of every error image-service reports. Each subclass stands for one kind of failure that a
 * caller (the CRI handlers) maps to one status code; {@link #reason()} is a short, stable label for
 * metrics ("not_found", "unauthenticated", ...). Messages name the reference or registry involved.
 */
public abstract class ImageException extends Exception {

    protected ImageException(String message) {
        super(message);
    }

    protected ImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Short label of this failure kind, used as a metric tag. */
    public abstract String reason();
}
