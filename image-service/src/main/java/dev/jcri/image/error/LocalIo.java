package dev.jcri.image.error;

import java.io.IOException;

/** Turns a local I/O failure into the matching {@link ImageException}: a full disk is told apart. */
public final class LocalIo {
    private LocalIo() {}

    /** Whether an I/O error (or one of its causes) says the disk is full or out of inodes. */
    public static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code what} says what was being done ("storing the config of docker.io/library/busybox:latest"). */
    public static ImageException failure(String what, IOException e) {
        if (isDiskFull(e)) {
            return new StorageFullException("no space left on device while " + what
                    + "; free disk space (e.g. remove unused images) and retry", e);
        }
        return new ImageStoreException("I/O error while " + what + ": " + e.getMessage(), e);
    }
}
