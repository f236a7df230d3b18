package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** An image jcri cannot run: an unknown media type, schema 1 manifests, a malformed manifest or config. */
public class UnsupportedImageException extends ImageException {
    public UnsupportedImageException(String message) {
        super(JcriException.Kind.FAILED_PRECONDITION, message);
    }

    protected UnsupportedImageException(JcriException.Kind kind, String message) {
        super(kind, message);
    }

    @Override
    public String reason() {
        return "unsupported";
    }
}
