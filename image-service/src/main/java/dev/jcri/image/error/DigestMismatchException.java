package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** Content whose bytes do not hash to the digest (or size) it was announced with; it was discarded. */
public final class DigestMismatchException extends ImageException {
    public DigestMismatchException(String message) {
        super(JcriException.Kind.DATA_LOSS, message);
    }

    @Override
    public String reason() {
        return "digest_mismatch";
    }
}
