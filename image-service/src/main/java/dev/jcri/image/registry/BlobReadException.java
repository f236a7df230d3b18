package dev.jcri.image.registry;

import dev.jcri.image.error.ImageException;
import java.io.IOException;

/**
 * Thrown from a blob stream's read when the registry side failed (after retries): carries the
 * {@link ImageException} to report, so readers can tell network failures from local I/O errors.
 */
public final class BlobReadException extends IOException {
    private final transient ImageException error;

    public BlobReadException(ImageException error) {
        super(error.getMessage(), error);
        this.error = error;
    }

    public ImageException error() {
        return error;
    }
}
