package dev.jcri.image.registry;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.PullStalledException;
import dev.jcri.image.error.RegistryUnavailableException;
import dev.jcri.image.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A blob download that survives dropped connections: when a read fails with a network error it
 * reopens the blob at the current offset (an HTTP Range request; a registry that ignores Range
 * sends it all again and the bytes already read are skipped) until the attempts run out. Failures
 * are thrown as {@link BlobReadException}.
 */
final class ResumableBlobStream extends BulkInputStream {

    /** Opens the blob so that its next byte is the one at {@code offset}. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset) throws ImageException, InterruptedException, IOException;
    }

    private final Opener opener;
    private final int maxAttempts;
    private final String what;
    private InputStream current;
    private long offset;
    private int attempts;

    ResumableBlobStream(Opener opener, int maxAttempts, String what) {
        this.opener = opener;
        this.maxAttempts = maxAttempts;
        this.what = what;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (current == null) {
                reopen(null);
            }
            try {
                int n = current.read(b, off, len);
                if (n > 0) {
                    offset += n;
                }
                return n;
            } catch (BodyStream.StalledException e) {
                close();
                // the stream's message names the host and the blob: "no data for 60 s from HOST (layer sha256:...)"
                throw new BlobReadException(new PullStalledException("download stalled at byte " + offset + ": "
                        + e.getMessage()));
            } catch (InterruptedIOException e) {
                close();
                throw e;
            } catch (IOException e) {
                closeQuietly();
                if (attempts >= maxAttempts) {
                    throw new BlobReadException(new RegistryUnavailableException("download of " + what + " failed at byte "
                            + offset + " after " + attempts + " attempts: " + message(e), e));
                }
                reopen(e);
            }
        }
    }

    private void reopen(IOException cause) throws IOException {
        attempts++;
        try {
            if (cause != null) {
                Backoff.pause(attempts);
            }
            current = opener.open(offset);
        } catch (ImageException e) {
            throw new BlobReadException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted downloading " + what);
        }
    }

    private static String message(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the connection is gone anyway
        }
    }

    @Override
    public void close() throws IOException {
        InputStream c = current;
        current = null;
        if (c != null) {
            c.close();
        }
    }
}
