package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** The registry could not be reached or kept failing (network errors, 5xx, 429) after retries. */
public class RegistryUnavailableException extends ImageException {
    public RegistryUnavailableException(String message) {
        super(JcriException.Kind.UNAVAILABLE, message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(JcriException.Kind.UNAVAILABLE, message, cause);
    }

    @Override
    public String reason() {
        return "unavailable";
    }
}
