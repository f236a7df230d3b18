package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** An image index without an entry for this node's platform; the message lists what it offers. */
public final class NoMatchingPlatformException extends UnsupportedImageException {
    public NoMatchingPlatformException(String message) {
        super(JcriException.Kind.NOT_FOUND, message); // reported like a missing image, as before
    }

    @Override
    public String reason() {
        return "no_matching_platform";
    }
}
