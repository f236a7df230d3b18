package dev.jcri.server.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes from the client for one stream (stdin, resize, a forwarded port's data), handed from the
 * event loop, which must never block, to the thread that writes them on. At most {@link #LIMIT}
 * bytes wait: above it the connection stops reading from the client until the consumer has
 * taken them down to {@link #RESUME}.
 */
final class InboundPipe {

    static final int LIMIT = 256 * 1024;
    static final int RESUME = 64 * 1024;

    private final Backpressure backpressure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int queued;
    private boolean paused;
    private boolean finished;
    private boolean aborted;

    InboundPipe(Backpressure backpressure) {
        this.backpressure = backpressure;
    }

    /** From the event loop: more bytes (never blocks). Bytes after {@link #finish} are dropped. */
    void offer(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        lock.lock();
        try {
            if (finished || aborted) {
                return;
            }
            chunks.add(bytes);
            queued += bytes.length;
            if (queued > LIMIT && !paused) {
                paused = true;
                backpressure.pauseReading();
            }
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The client ended this stream: readers see end of stream after what is queued. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The stream or the connection is gone: readers see end of stream now, queued bytes are dropped. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            chunks.clear();
            queued = 0;
            resume();
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next chunk, blocking; null at end of stream. */
    byte[] take() throws InterruptedException {
        lock.lock();
        try {
            while (chunks.isEmpty() && !finished && !aborted) {
                available.await();
            }
            byte[] next = aborted ? null : chunks.poll();
            if (next != null) {
                queued -= next.length;
                if (queued <= RESUME) {
                    resume();
                }
            }
            return next;
        } finally {
            lock.unlock();
        }
    }

    private void resume() {
        if (paused) {
            paused = false;
            backpressure.resumeReading();
        }
    }

    /** The pipe as a stream, for parsers (the resize stream's JSON). */
    InputStream asInputStream() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos == current.length) {
                    try {
                        byte[] next = take();
                        if (next == null) {
                            return -1;
                        }
                        current = next;
                        pos = 0;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
