package dev.jcri.snapshot.layer;

import java.io.IOException;

/** A layer entry could not be applied: unsafe, unsupported or in conflict with what is already there. */
public class LayerApplyException extends IOException {
    private static final long serialVersionUID = 1L;

    public LayerApplyException(String entryName, String reason) {
        super("layer entry '" + entryName + "': " + reason);
    }

    public LayerApplyException(String entryName, String reason, Throwable cause) {
        super("layer entry '" + entryName + "': " + reason, cause);
    }
}
