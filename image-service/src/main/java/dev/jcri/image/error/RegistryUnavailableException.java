package dev.jcri.image.error;

/** The registry could not be reached or kept failing (network errors, 5xx, 429) after retries. */
public class RegistryUnavailableException extends ImageException {
    public RegistryUnavailableException(String message) {
        super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String reason() {
        return "unavailable";
    }
}
