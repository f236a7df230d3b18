package dev.jcri.snapshot;

import java.io.IOException;

/** Removal refused: other snapshots are built on this one, or it is mounted. */
public class SnapshotInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnapshotInUseException(String key, String reason) {
        super("snapshot " + key + " is in use: " + reason);
    }
}
