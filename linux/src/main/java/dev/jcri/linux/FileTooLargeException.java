package dev.jcri.linux;

import java.io.IOException;

/**
 * A file is larger than what its reader agreed to buffer: refused before more than the limit (plus
 * one byte) was read, so outside data can never grow the heap past a named bound.
 */
public final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public FileTooLargeException(String file, long limit) {
        super(file + " is larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit in bytes that was exceeded. */
    public long limit() {
        return limit;
    }
}
