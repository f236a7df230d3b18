package dev.jcri.snapshot.tar;

import java.io.IOException;

/** The stream is not a well-formed tar archive (bad checksum, truncated, unsupported feature). */
public class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TarFormatException(String message) {
        super(message);
    }

    public TarFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
