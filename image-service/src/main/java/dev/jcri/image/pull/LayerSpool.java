package dev.jcri.image.pull;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.io.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A layer download file that is read while it is written: the download thread appends verified
 * network bytes and {@link #wrote reports} them; the unpacking thread reads what is there and
 * waits for more, so decompression and extraction run as the bytes arrive instead of after the
 * last one, without holding the layer in memory (the file is the buffer: a slow extractor never
 * makes the download buffer without bound, a slow registry never makes the extractor spin).
 *
 * <p>The reader sees the end of the file only once the download {@link #finished} whole with the
 * blob's digest checked, so a consumer that commits on end of stream (the snapshotter) never
 * commits a layer whose download failed or did not match: it gets {@link DownloadFailedException}
 * instead. A reader that gives up {@link #abandon abandons} the spool, which the download notices.
 */
final class LayerSpool {

    /** The download failed; carries its error for the caller to report instead of the read's. */
    static final class DownloadFailedException extends IOException {
        private final transient ImageException error;

        DownloadFailedException(ImageException error) {
            super(error.getMessage(), error);
            this.error = error;
        }

        ImageException error() {
            return error;
        }
    }

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private long written;
    private boolean finished;
    private ImageException failure;
    private volatile boolean abandoned;

    LayerSpool(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The download appended {@code n} bytes (already written to the file). */
    void wrote(long n) {
        lock.lock();
        try {
            written += n;
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The download is complete and its digest verified: readers see the end of the file. */
    void finished() {
        lock.lock();
        try {
            finished = true;
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The download failed: readers get {@link DownloadFailedException} carrying {@code error}. */
    void failed(ImageException error) {
        lock.lock();
        try {
            if (!finished && failure == null) {
                failure = error;
            }
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reader gave up (the layer cannot be applied): the download may stop. */
    void abandon() {
        abandoned = true;
    }

    boolean abandoned() {
        return abandoned;
    }

    /** Waits until more than {@code position} bytes are there (returns how many), or the end (-1), or the failure. */
    private long awaitBeyond(long position) throws IOException {
        lock.lock();
        try {
            while (written <= position) {
                if (failure != null) {
                    throw new DownloadFailedException(failure);
                }
                if (finished) {
                    return -1;
                }
                grew.await();
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the download of " + file.getFileName());
        } finally {
            lock.unlock();
        }
    }

    /** A stream of the file from its start that follows the download (one reader). */
    InputStream open() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new BulkInputStream() {
            private long position;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                long available = awaitBeyond(position);
                if (available < 0) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available - position)), position);
                if (n < 0) {
                    throw new IOException(file + " is shorter than the " + available + " bytes written to it");
                }
                position += n;
                return n;
            }

            /*
             * Waits for the next byte or the end, then says how many are there: a gzip stream asks
             * at the end of each member whether another follows (concatenated members), and a
             * download lagging at that boundary must not read as the end of the layer.
             */
            @Override
            public int available() throws IOException {
                long there = awaitBeyond(position);
                return there < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, there - position);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
