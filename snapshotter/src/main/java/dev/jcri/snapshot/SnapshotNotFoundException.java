package dev.jcri.snapshot;

import java.nio.file.NoSuchFileException;

/** No snapshot has this key (a NoSuchFileException, so generic "missing" handling applies). */
public class SnapshotNotFoundException extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    public SnapshotNotFoundException(String key, String what) {
        super(key, null, what);
    }
}
