package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** The registry wants credentials we do not have, or rejected the ones we sent (HTTP 401). */
public final class RegistryAuthException extends ImageException {
    public RegistryAuthException(String message) {
        super(JcriException.Kind.UNAUTHENTICATED, message);
    }

    @Override
    public String reason() {
        return "unauthenticated";
    }
}
