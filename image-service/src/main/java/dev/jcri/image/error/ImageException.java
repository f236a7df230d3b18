package dev.jcri.image.error;

import dev.jcri.errors.Classified;
import dev.jcri.errors.JcriException;
/**
 * Base of every error image-service reports. Each subclass stands for one kind of failure that a
 * caller (the CRI handlers) maps to one status code; {@link #reason()} is a short, stable label for
 * metrics ("not_found", "unauthenticated", ...). Messages name the reference or registry involved.
 */
public abstract class ImageException extends Exception implements Classified {

    private final JcriException.Kind kind;

    protected ImageException(JcriException.Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    protected ImageException(JcriException.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What the caller can do about it; the gRPC layer maps it to a code (RpcErrors). */
    @Override
    public JcriException.Kind kind() {
        return kind;
    }

    /** Short label of this failure kind, used as a metric tag. */
    public abstract String reason();
}
