package dev.jcri.image.error;

/** The registry does not have this repository, tag or digest. */
public final class ImageNotFoundException extends ImageException {
    public ImageNotFoundException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "not_found";
    }
}
