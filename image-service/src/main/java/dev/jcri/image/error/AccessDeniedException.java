package dev.jcri.image.error;

/** Authenticated, but not allowed to pull this repository (HTTP 403). */
public final class AccessDeniedException extends ImageException {
    public AccessDeniedException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "permission_denied";
    }
}
