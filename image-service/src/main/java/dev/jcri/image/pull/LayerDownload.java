package dev.jcri.image.pull;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.ImageStoreException;
import dev.jcri.image.error.RegistryUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One layer blob downloading into its {@link LayerSpool} on a thread of its own, started before
 * anyone reads it: by the layer's apply, or earlier, while the image's config is still on its way
 * (see {@link Puller}). Whoever holds it either {@link #spool reads} the spool and then
 * {@link #close closes} it, or closes it unread; closing stops a download nobody needs any more,
 * waits for its thread and deletes the file, so no download outlives its pull (the ingest
 * directory is emptied at start-up for a crash's leftovers).
 */
final class LayerDownload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LayerDownload.class);

    /** Writes the blob into the spool's file, verified as it streams. */
    @FunctionalInterface
    interface Transfer {
        void into(LayerSpool spool) throws ImageException, InterruptedException;
    }

    private final LayerSpool spool;
    private final Thread thread;
    private volatile boolean done;

    private LayerDownload(LayerSpool spool, Transfer transfer, String what) {
        this.spool = spool;
        this.thread = Thread.ofVirtual().name("image-download").unstarted(() -> run(transfer, what));
    }

    /** Starts downloading into {@code file} (a new, empty ingest file). */
    static LayerDownload start(Path file, Transfer transfer, String what) {
        LayerDownload d = new LayerDownload(new LayerSpool(file), transfer, what);
        d.thread.start();
        return d;
    }

    private void run(Transfer transfer, String what) {
        try {
            transfer.into(spool);
            spool.finished();
        } catch (ImageException e) {
            spool.failed(e);
        } catch (InterruptedException e) {
            spool.failed(new RegistryUnavailableException("download of " + what + " cancelled"));
        } catch (RuntimeException | Error e) {
            spool.failed(new ImageStoreException("download of " + what + " failed: " + e, e));
        } finally {
            done = true;
        }
    }

    LayerSpool spool() {
        return spool;
    }

    /**
     * Stops the download unless it completed (a reader that failed, or finished without reading it
     * all, needs no more of it; one waiting on a silent registry stops now, not at the stall
     * timeout), waits for its thread, and deletes the file.
     */
    @Override
    public void close() {
        if (!done) {
            spool.abandon();
            thread.interrupt();
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the thread was told to stop: its end is near, and its file must go
            }
        }
        try {
            Files.deleteIfExists(spool.file());
        } catch (IOException e) {
            LOG.warn("cannot delete download {}: {}", spool.file(), e.toString());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
