package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** The disk under the image store is full (or out of inodes); nothing half-written was kept. */
public final class StorageFullException extends ImageException {
    public StorageFullException(String message, Throwable cause) {
        super(JcriException.Kind.RESOURCE_EXHAUSTED, message, cause);
    }

    @Override
    public String reason() {
        return "storage_full";
    }
}
