package dev.jcri.image.error;

/** An image jcri cannot run: an unknown media type, schema 1 manifests, a malformed manifest or config. */
public class UnsupportedImageException extends ImageException {
    public UnsupportedImageException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "unsupported";
    }
}
