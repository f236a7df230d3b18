package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** Authenticated, but not allowed to pull this repository (HTTP 403). */
public final class AccessDeniedException extends ImageException {
    public AccessDeniedException(String message) {
        super(JcriException.Kind.PERMISSION_DENIED, message);
    }

    @Override
    public String reason() {
        return "permission_denied";
    }
}
