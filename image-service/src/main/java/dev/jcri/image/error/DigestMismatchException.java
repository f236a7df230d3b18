package dev.jcri.image.error;

/** Content whose bytes do not hash to the digest (or size) it was announced with; it was discarded. */
public final class DigestMismatchException extends ImageException {
    public DigestMismatchException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "digest_mismatch";
    }
}
