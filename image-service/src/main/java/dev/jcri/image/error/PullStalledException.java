package dev.jcri.image.error;

/** A download made no progress for the configured stall timeout and was aborted. */
public final class PullStalledException extends RegistryUnavailableException {
    public PullStalledException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "stalled";
    }
}
