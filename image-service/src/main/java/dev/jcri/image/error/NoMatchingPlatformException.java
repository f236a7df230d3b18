package dev.jcri.image.error;

/** An image index without an entry for this node's platform; the message lists what it offers. */
public final class NoMatchingPlatformException extends UnsupportedImageException {
    public NoMatchingPlatformException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "no_matching_platform";
    }
}
