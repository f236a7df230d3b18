package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** A local I/O failure in the content store, the image store or the snapshotter. */
public final class ImageStoreException extends ImageException {
    public ImageStoreException(String message, Throwable cause) {
        super(JcriException.Kind.INTERNAL, message, cause);
    }

    @Override
    public String reason() {
        return "storage";
    }
}
