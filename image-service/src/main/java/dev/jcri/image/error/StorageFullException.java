package dev.jcri.image.error;

/** The disk under the image store is full (or out of inodes); nothing half-written was kept. */
public final class StorageFullException extends ImageException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String reason() {
        return "storage_full";
    }
}
