package dev.jcri.image.registry;

import dev.jcri.image.io.BulkInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP response body as an InputStream that notices stalls: each read waits at most the stall
 * timeout for the next chunk, then cancels the exchange and throws {@link StalledException}. Chunks
 * are requested one at a time, so at most a couple of network buffers are held in memory.
 *
 * <p>Documents read whole (manifests, token answers, error bodies) are bounded twice: in bytes,
 * checked before a byte beyond the limit is kept, and in time, a deadline for the whole body, so
 * that a server trickling one byte per stall timeout cannot hold a pull forever.
 */
final class BodyStream extends BulkInputStream implements Flow.Subscriber<List<ByteBuffer>> {

    /** No byte arrived for the stall timeout, or a document did not arrive whole by its deadline. */
    static final class StalledException extends IOException {
        StalledException(String message) {
            super(message);
        }
    }

    /** A document is larger than the limit for its kind; the exchange was cancelled at the limit. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Duration stallTimeout;
    private final String what;
    private final String host;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> chunks = List.<ByteBuffer>of().iterator();
    private ByteBuffer current;
    private boolean done;
    /** System.nanoTime() by which the whole body must have arrived; Long.MAX_VALUE: none. */
    private long deadline = Long.MAX_VALUE;
    private Duration deadlineLength;

    /**
     * @param stallTimeout how long a read waits for the next chunk; zero: without limit
     * @param host the server sending the body ("registry.example.com:5000"), named when it stalls
     */
    BodyStream(Duration stallTimeout, String what, String host) {
        this.stallTimeout = stallTimeout;
        this.what = what;
        this.host = host;
    }

    /**
     * Changes the stall timeout for the reads to come (zero: none): a blob body gets the download
     * stall timeout, which may be off, while the response headers were awaited with the request timeout.
     */
    void stallTimeout(Duration timeout) {
        this.stallTimeout = timeout;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (chunks.hasNext()) {
                current = chunks.next();
                continue;
            }
            if (done) {
                return -1;
            }
            Duration stall = stallTimeout;
            long wait = stall.isZero() ? Long.MAX_VALUE : stall.toNanos();
            boolean deadlineFirst = false;
            if (deadline != Long.MAX_VALUE) {
                long left = deadline - System.nanoTime();
                if (left < wait) {
                    wait = Math.max(0, left);
                    deadlineFirst = true;
                }
            }
            Object item;
            try {
                item = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted reading " + what);
            }
            if (item == null) {
                close();
                throw new StalledException(deadlineFirst
                        ? what + " did not arrive whole within " + seconds(deadlineLength)
                        : "no data for " + seconds(stall) + " from " + host + " (" + what + ")");
            }
            if (item == END) {
                done = true;
                return -1;
            }
            if (item instanceof Throwable t) {
                done = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) item;
            chunks = list.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /**
     * Reads the whole body, which must be at most {@code limit} bytes and arrive within
     * {@code deadline}: a byte beyond the limit is never kept (the exchange is cancelled there).
     *
     * @param name the document in messages ("manifest docker.io/library/busybox:latest")
     * @throws TooLargeException over the limit
     * @throws StalledException past the deadline or the stall timeout
     */
    byte[] readAllCapped(long limit, String name, Duration deadline) throws IOException {
        startDeadline(deadline);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = read(buf, 0, buf.length)) >= 0) {
            if (out.size() + (long) n > limit) {
                close();
                throw new TooLargeException(name + " is larger than the limit of " + limit + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Reads at most {@code max} bytes within {@code deadline}, then cancels the exchange: for error
     * bodies, which only ever feed a message. Never fails: a body cut short is what there is.
     */
    byte[] readPrefix(int max, Duration deadline) {
        startDeadline(deadline);
        byte[] buf = new byte[max];
        int have = 0;
        try {
            int n;
            while (have < max && (n = read(buf, have, max - have)) >= 0) {
                have += n;
            }
        } catch (IOException e) {
            // stalled, past the deadline or cut: keep what came
        }
        close();
        return have == max ? buf : java.util.Arrays.copyOf(buf, have);
    }

    private void startDeadline(Duration length) {
        deadlineLength = length;
        deadline = System.nanoTime() + length.toNanos();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        done = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
