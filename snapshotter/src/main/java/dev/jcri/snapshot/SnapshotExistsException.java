package dev.jcri.snapshot;

import java.nio.file.FileAlreadyExistsException;

/** A snapshot with this key already exists (with a different kind or parent than asked for). */
public class SnapshotExistsException extends FileAlreadyExistsException {
    private static final long serialVersionUID = 1L;

    public SnapshotExistsException(String key, String what) {
        super(key, null, what);
    }
}
