package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** The registry does not have this repository, tag or digest. */
public final class ImageNotFoundException extends ImageException {
    public ImageNotFoundException(String message) {
        super(JcriException.Kind.NOT_FOUND, message);
    }

    @Override
    public String reason() {
        return "not_found";
    }
}
